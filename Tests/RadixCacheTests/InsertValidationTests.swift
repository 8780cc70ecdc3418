import Testing
@testable import RadixCache

@Suite struct InsertValidationTests {
    let vocabulary = TestVocabulary.shared
    var cache: RadixCache { RadixCache(tokenBytes: vocabulary) }

    @Test func rejectsAnEmptyTrajectory() {
        #expect(throws: RadixCacheError.emptyTrajectory) {
            try cache.insert(text: "", tokens: [], logprobs: [], lossMask: [], weightVersion: "1")
        }
    }

    @Test func rejectsLengthsThatDiffer() {
        let tokens = vocabulary.bytewise("ab")
        #expect(throws: RadixCacheError.lengthMismatch(tokens: 2, logprobs: 1, lossMask: 2)) {
            try cache.insert(text: "ab", tokens: tokens, logprobs: [0], lossMask: [0, 1], weightVersion: "1")
        }
        #expect(throws: RadixCacheError.lengthMismatch(tokens: 2, logprobs: 2, lossMask: 3)) {
            try cache.insert(text: "ab", tokens: tokens, logprobs: [0, 0], lossMask: [0, 1, 1], weightVersion: "1")
        }
    }

    @Test func rejectsALossMaskOtherThanZeroOrOne() {
        #expect(throws: RadixCacheError.invalidLossMask(index: 1, value: 2)) {
            try cache.insert(text: "ab", tokens: vocabulary.bytewise("ab"), logprobs: [0, 0], lossMask: [1, 2], weightVersion: "1")
        }
    }

    @Test func rejectsATokenIDAboveWhatTheCacheStores() {
        #expect(throws: RadixCacheError.tokenIDTooLarge(index: 1, token: RadixCache.maxTokenID + 1)) {
            try cache.insert(text: "ab", tokens: [97, RadixCache.maxTokenID + 1], logprobs: [0, 0], lossMask: [0, 1], weightVersion: "1")
        }
    }

    static let outOfRange: [(token: UInt32, mask: UInt8)] = [
        (RadixCache.maxTokenID + 1, 2), (UInt32.max, 3), (1 << 31, 128), (1 << 24, 255),
    ]

    /// Ids and loss masks are checked a whole array at a time: the first
    /// bad one is reported, however far in, an id before a loss mask.
    @Test(arguments: outOfRange)
    func reportsTheFirstOutOfRangeValueFarIn(token: UInt32, mask: UInt8) {
        let text = String(repeating: "a", count: 40)
        var tokens = vocabulary.bytewise(text), lossMask = [UInt8](repeating: 0, count: 40)
        lossMask[3] = mask
        lossMask[38] = mask
        #expect(throws: RadixCacheError.invalidLossMask(index: 3, value: mask)) {
            try cache.insert(text: text, tokens: tokens, logprobs: Array(repeating: 0, count: 40), lossMask: lossMask, weightVersion: "1")
        }
        tokens[37] = token
        tokens[39] = token
        #expect(throws: RadixCacheError.tokenIDTooLarge(index: 37, token: token)) {
            try cache.insert(text: text, tokens: tokens, logprobs: Array(repeating: 0, count: 40), lossMask: lossMask, weightVersion: "1")
        }
    }

    @Test func storesTheLargestTokenID() throws {
        let cache = RadixCache(tokenBytes: Bytewise(extra: RadixCache.maxTokenID))
        try cache.insert("ab", [97, RadixCache.maxTokenID])
        #expect(Array(cache.match("ab").tokens) == [97, RadixCache.maxTokenID])
    }

    /// Single bytes, and `extra` spelling "b".
    struct Bytewise: TokenBytes {
        let extra: UInt32

        func withBytes<Result>(of token: UInt32, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
            let bytes: [UInt8] = token == extra ? [UInt8(ascii: "b")] : token < 256 ? [UInt8(token)] : []
            return try bytes.withUnsafeBytes(body)
        }
    }

    @Test func rejectsTokensThatDoNotSpellTheText() {
        let tokens = [vocabulary.id("Hel"), vocabulary.id("ld")]
        #expect(throws: RadixCacheError.tokenDoesNotSpellText(index: 1, token: tokens[1], byteOffset: 3)) {
            try cache.insert("Hello", tokens)
        }
    }

    @Test func rejectsTokensThatStopBeforeTheTextEnds() {
        #expect(throws: RadixCacheError.textNotCovered(spelledBytes: 3, textBytes: 5)) {
            try cache.insert("Hello", [vocabulary.id("Hel")])
        }
    }

    @Test func rejectsAnUnknownToken() {
        #expect(throws: RadixCacheError.tokenDoesNotSpellText(index: 0, token: 99_999, byteOffset: 0)) {
            try cache.insert("a", [99_999, 97])
        }
    }

    @Test func acceptsTokensHoldingPartsOfACharacter() throws {
        let cache = cache
        let tokens = [vocabulary.id(bytes: [0xE4, 0xB8]), 0xAD, vocabulary.id("文")]
        try cache.insert("中文", tokens)
        #expect(Array(cache.match("中文").tokens) == tokens)
    }

    @Test func acceptsASpecialTokenOmittedFromTheText() throws {
        let cache = cache
        let tokens = vocabulary.bytewise("Hi") + [vocabulary.endOfTurn]
        try cache.insert("Hi", tokens)
        #expect(Array(cache.match("Hi").tokens) == tokens)
    }

    @Test func readsASpecialTokenWhoseTextIsPresentAsPresent() throws {
        let cache = cache
        let tokens = vocabulary.bytewise("Hi") + [vocabulary.endOfTurn] + vocabulary.bytewise("!")
        try cache.insert("Hi<|im_end|>!", tokens)
        let match = cache.match("Hi<|im_end|>!")
        #expect(Array(match.tokens) == tokens)
        #expect(match.matchedByteCount == "Hi<|im_end|>!".utf8.count)
    }

    @Test func leavesTheCacheUnchangedWhenRefused() throws {
        let cache = cache
        try cache.insert("ab", vocabulary.bytewise("ab"))
        let before = cache.statistics
        #expect(throws: RadixCacheError.self) { try cache.insert("abc", vocabulary.bytewise("abd")) }
        #expect(cache.statistics == before)
    }

    @Test func describesErrorsInWords() {
        #expect(
            RadixCacheError.textNotCovered(spelledBytes: 3, textBytes: 5).description
                == "the tokens spell 3 of the text's 5 bytes")
    }
}

/// Generation names round-trip whatever their form; SGLang's 32-digit hex
/// request ids are packed, and cost no heap bytes.
@Suite struct GenerationNameTests {
    @Test(arguments: [
        "", "g1", "a-name-of-exactly-15", "0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF",
        "00000000000000000000000000000000", "8f14e45f-ceea-467f-a0ce-7f1e0b0b6e21", "名前の長い生成名前の長い生成", "0123456789abcdef0123456789abcdeg",
    ])
    func roundTrips(name: String) {
        let packed = GenerationName(name)
        #expect(packed.string == name)
        #expect(TokenOrigin(generation: name, weightVersion: "3").generation == name)
        #expect(
            (packed.heapBytes == 0)
                == (name.utf8.count <= 15
                    || name == name.lowercased() && name.utf8.count == 32
                        && name.allSatisfy(\.isHexDigit))
        )
    }

    @Test func equalNamesAreEqualOrigins() {
        let rid = "0123456789abcdef0123456789abcdef"
        #expect(TokenOrigin(generation: rid, weightVersion: "1") == TokenOrigin(generation: String(rid), weightVersion: "1"))
        #expect(TokenOrigin(generation: rid, weightVersion: "1") != TokenOrigin(generation: rid.uppercased(), weightVersion: "1"))
    }
}
