import Testing
@testable import RadixCache

/// An insert that repeats a stored plain run whole spells it at once and
/// leaves the text offsets inside it as an earlier insert wrote them (see
/// `Trajectory.spell(wholeRun:)`). Whatever the insert does below that run
/// (split the next node at any token, end inside it, refuse a token) must
/// not read them: here they hold an earlier, longer insert's offsets, which
/// point far past this text.
@Suite struct WholeRunSpellingTests {
    let vocabulary = TestVocabulary.shared
    /// The upper node: multi-byte pieces, so a token's offset is not its index.
    let upperText = "Hello world the 中文é"
    /// The lower node, below the upper one.
    let lowerText = " the Hello world中文 é the"

    /// How the trajectory leaves the lower node after `count` of its tokens.
    enum Departure: CaseIterable {
        case token, value, end
    }

    /// The cache holding the upper and lower nodes, then a long
    /// insert of 70-byte tokens elsewhere, whose offsets the next insert
    /// reuses.
    func cacheWithStaleOffsets() throws -> RadixCache {
        let cache = RadixCache(tokenBytes: vocabulary)
        let upper = vocabulary.greedy(upperText), lower = vocabulary.greedy(lowerText)
        try cache.insert(upperText + lowerText, upper + lower)
        try cache.insert(upperText + "Z", upper + vocabulary.bytewise("Z"))
        let long = String(repeating: TestVocabulary.long, count: 40)
        try cache.insert(long, vocabulary.greedy(long))
        return cache
    }

    @Test(arguments: Departure.allCases)
    func aSplitAtAnyTokenBelowAWholeRunStoresTheTrajectory(departure: Departure) throws {
        let upper = vocabulary.greedy(upperText), lower = vocabulary.greedy(lowerText)
        for count in 0...lower.count {
            var tokens = upper + lower, text = upperText + lowerText
            var logprobs = tokens.indices.map { -Double($0 + 1) / 8 }
            switch departure {
            case .token:
                tokens = upper + lower[..<count] + vocabulary.bytewise("Z")
                text = upperText + lower[..<count].map { String(decoding: vocabulary.bytes(of: $0), as: UTF8.self) }.joined() + "Z"
                logprobs = tokens.indices.map { -Double($0 + 1) / 8 }
            case .value:
                guard count < lower.count else { continue }
                logprobs[upper.count + count] = -0.3
            case .end:
                guard count > 0 else { continue }
                tokens = upper + lower[..<count]
                text = upperText + lower[..<count].map { String(decoding: vocabulary.bytes(of: $0), as: UTF8.self) }.joined()
                logprobs = Array(logprobs[..<tokens.count])
            }
            let cache = try cacheWithStaleOffsets()
            try cache.insert(
                text: text, tokens: tokens, logprobs: logprobs, lossMask: Array(repeating: 1, count: tokens.count),
                weightVersion: "1")
            let found = cache.match(text)
            #expect(Array(found.tokens) == tokens, "\(departure) after \(count)")
            #expect(found.logprobs.map(\.bitPattern) == logprobs.map(\.bitPattern), "\(departure) after \(count)")
            #expect(found.matchedByteCount == text.utf8.count, "\(departure) after \(count)")
            let stored = cache.match(upperText + lowerText)
            #expect(Array(stored.tokens) == upper + lower, "\(departure) after \(count)")
        }
    }

    /// A token below the run that does not spell the text is reported at
    /// its own index and byte offset.
    @Test func aTokenNotSpellingTheTextBelowAWholeRunIsReportedWhereItIs() throws {
        let upper = vocabulary.greedy(upperText), lower = vocabulary.greedy(lowerText)
        for count in 0..<lower.count {
            let cache = try cacheWithStaleOffsets()
            let spelled = lower[..<count].map { String(decoding: vocabulary.bytes(of: $0), as: UTF8.self) }.joined()
            let tokens = upper + lower[..<count] + [vocabulary.id("lo")]
            #expect(
                throws: RadixCacheError.tokenDoesNotSpellText(
                    index: upper.count + count, token: vocabulary.id("lo"), byteOffset: (upperText + spelled).utf8.count)
            ) {
                try cache.insert(upperText + spelled + "Z", tokens)
            }
        }
    }
}
