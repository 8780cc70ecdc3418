import Testing
@testable import RadixCache

@Suite struct MatchTests {
    let vocabulary = TestVocabulary.shared
    let cache = RadixCache(tokenBytes: TestVocabulary.shared)

    @Test func returnsWhatWasInsertedForTheWholeText() throws {
        let tokens = [vocabulary.id("Hello"), vocabulary.id(" world")]
        try cache.insert(text: "Hello world", tokens: tokens, logprobs: [-0.5, -1.25], lossMask: [0, 1], weightVersion: "3")
        let match = cache.match("Hello world")
        #expect(Array(match.tokens) == tokens)
        #expect(Array(match.logprobs) == [-0.5, -1.25])
        #expect(Array(match.lossMask) == [0, 1])
        #expect(match.weightVersions == ["", "3"], "a prompt token was produced by no version")
        #expect(match.matchedByteCount == 11)
    }

    @Test func anEmptyCacheOrAnUnrelatedTextMisses() throws {
        #expect(cache.match("Hello").isMiss)
        try cache.insert("Hello", [vocabulary.id("Hello")])
        let match = cache.match("Goodbye")
        #expect(match.isMiss)
        #expect(match.matchedByteCount == 0)
        #expect(match.logprobs.isEmpty && match.lossMask.isEmpty && match.weightVersions.isEmpty)
        #expect(cache.match("").isMiss)
    }

    @Test func matchesTheStoredPrefixOfALongerText() throws {
        try cache.insert("Hello world", [vocabulary.id("Hello"), vocabulary.id(" world")])
        let match = cache.match("Hello world, again")
        #expect(Array(match.tokens) == [vocabulary.id("Hello"), vocabulary.id(" world")])
        #expect(match.matchedByteCount == 11)
    }

    @Test func stopsAtTheLastTokenBoundaryWhenTheTextDivergesInsideAToken() throws {
        try cache.insert("Hello world", [vocabulary.id("Hello"), vocabulary.id(" world")])
        let match = cache.match("Hello wordy")
        #expect(Array(match.tokens) == [vocabulary.id("Hello")])
        #expect(match.matchedByteCount == 5)
    }

    @Test func stopsOnACharacterBoundaryWhenTheTextDivergesInsideACharacter() throws {
        // 中 is E4 B8 AD and 丹 is E4 B8 B9: the texts part inside the character.
        let tokens = vocabulary.bytewise("a") + [vocabulary.id(bytes: [0xE4, 0xB8]), 0xAD]
        try cache.insert("a中", tokens)
        let match = cache.match("a丹")
        #expect(Array(match.tokens) == vocabulary.bytewise("a"))
        #expect(match.matchedByteCount == 1)
    }

    @Test func keepsATokenHoldingPartOfACharacterWhenTheTextEndsThere() throws {
        let tokens = vocabulary.bytewise("a") + [vocabulary.id(bytes: [0xE4, 0xB8]), 0xAD, vocabulary.id("文")]
        try cache.insert("a中文", tokens)
        #expect(Array(cache.match("a中").tokens) == Array(tokens.prefix(3)))
        #expect(cache.match("a中!").matchedByteCount == 4)
    }

    @Test func storesDifferentTokenizationsOfOneTextPrefixExactly() throws {
        let split = [vocabulary.id("Hel"), vocabulary.id("lo"), vocabulary.id(" world")]
        let whole = [vocabulary.id("Hello")] + vocabulary.bytewise(" there")
        try cache.insert("Hello world", split)
        try cache.insert("Hello there", whole)
        #expect(Array(cache.match("Hello world").tokens) == split)
        #expect(Array(cache.match("Hello there").tokens) == whole)
        // Both stored tokenizations cover "Hello": the most recent wins.
        #expect(Array(cache.match("Hello!").tokens) == [vocabulary.id("Hello")])
        try cache.insert("Hello world", split)
        #expect(Array(cache.match("Hello!").tokens) == Array(split.prefix(2)))
    }

    @Test func theLongestMatchWinsOverAMoreRecentShorterOne() throws {
        try cache.insert("Hello world", [vocabulary.id("Hel"), vocabulary.id("lo"), vocabulary.id(" world")])
        try cache.insert("Hello", [vocabulary.id("Hello")])
        #expect(Array(cache.match("Hello world!").tokens) == [vocabulary.id("Hel"), vocabulary.id("lo"), vocabulary.id(" world")])
    }

    @Test func sharesAPrefixInOneNodeAndSplitsWhereTrajectoriesDiverge() throws {
        let hello = vocabulary.id("Hello")
        try cache.insert("Hello world", [hello, vocabulary.id(" world")])
        try cache.insert("Hello there", [hello] + vocabulary.bytewise(" there"))
        let root = cache.currentSnapshot.root
        #expect(root.children.count == 1)
        let shared = root.children[0].node
        #expect(shared.run.count == 1 && shared.run.token(at: 0) == hello)
        #expect(shared.children.count == 2)
        #expect(cache.statistics.nodes == 4)
        #expect(cache.statistics.cachedTokens == 1 + 1 + 6)
    }

    @Test func aStopTokenOmittedFromTheTextEndsOnlyAWholeTextMatch() throws {
        let tokens = vocabulary.bytewise("Hi") + [vocabulary.endOfTurn]
        try cache.insert("Hi", tokens)
        #expect(Array(cache.match("Hi").tokens) == tokens)
        let nextTurn = cache.match("Hi<|im_end|>\nuser")
        #expect(Array(nextTurn.tokens) == vocabulary.bytewise("Hi"))
        #expect(nextTurn.matchedByteCount == 2)
    }

    @Test func aTokenOmittedFromTheTextInsideATrajectoryIsPartOfLongerMatches() throws {
        let tokens = vocabulary.bytewise("Hi") + [vocabulary.endOfTurn] + vocabulary.bytewise("yo")
        try cache.insert("Hiyo", tokens)
        #expect(Array(cache.match("Hiyo").tokens) == tokens)
        #expect(Array(cache.match("Hiy").tokens) == Array(tokens.prefix(4)))
    }

    @Test func tokensLongerThanAFlagsByteCanSayAreMeasuredByTheVocabulary() throws {
        let long = vocabulary.id(TestVocabulary.long)
        let tokens = [long] + vocabulary.bytewise("ab") + [long]
        let text = TestVocabulary.long + "ab" + TestVocabulary.long
        try cache.insert(text, tokens)
        let match = cache.match(TestVocabulary.long + "ab" + "=")
        #expect(Array(match.tokens) == Array(tokens.prefix(3)))
        #expect(match.matchedByteCount == 72)
        // A split inside the long run exercises slicing with long tokens.
        try cache.insert(TestVocabulary.long + "ac", [long] + vocabulary.bytewise("ac"))
        #expect(Array(cache.match(text).tokens) == tokens)
    }

    @Test func matchesRawUTF8Bytes() throws {
        try cache.insert("Hello", [vocabulary.id("Hello")])
        let bytes = Array("Hello?".utf8)
        let match = bytes.withUnsafeBufferPointer { cache.match(utf8: $0) }
        #expect(Array(match.tokens) == [vocabulary.id("Hello")])
    }

    @Test func returnsLogprobsBitForBit() throws {
        let values: [Double] = [
            0.1, -0.0, -Double.leastNonzeroMagnitude * 2_024, .infinity, -.greatestFiniteMagnitude,  // the third is subnormal
            Double(Float(-2.3456)), Double(bitPattern: 0x7FF8_0000_0000_0001), Double(Float.nan), 1e300,
        ]
        let text = String(repeating: "x", count: values.count)
        try cache.insert(
            text: text, tokens: vocabulary.bytewise(text), logprobs: values,
            lossMask: Array(repeating: 1, count: values.count), weightVersion: "1")
        let returned = cache.match(text).logprobs
        #expect(returned.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func aLaterInsertWithOtherValuesBranchesAndLeavesTheStoredOnes() throws {
        let prompt = vocabulary.bytewise("ab")
        try cache.insert(text: "ab", tokens: prompt, logprobs: [0, -2], lossMask: [0, 1], weightVersion: "9")
        // The same token "b", generated again with another log-probability: a second sample.
        try cache.insert(text: "abc", tokens: prompt + [99], logprobs: [0, -3, -4], lossMask: [0, 1, 1], weightVersion: "10")
        #expect(Array(cache.match("abc").logprobs) == [0, -3, -4])
        #expect(cache.match("abc").weightVersions == ["", "10", "10"])
        // The first keeps its own, and its version; "ab" alone matches both: the most recent wins.
        #expect(Array(cache.match("abd").logprobs) == [0, -3], "most recent of two equally long")
        try cache.insert(text: "ab", tokens: prompt, logprobs: [0, -2], lossMask: [0, 1], weightVersion: "9")
        #expect(Array(cache.match("ab").logprobs) == [0, -2])
        #expect(cache.match("ab").weightVersions == ["", "9"])
        #expect(cache.match("ab").weightVersionRuns.map(\.count) == [1, 1])
    }

    @Test func aTurnRepeatingItsPromptsValuesGoesThroughTheStoredNodes() throws {
        let prompt = vocabulary.bytewise("ab")
        try cache.insert(text: "ab", tokens: prompt, logprobs: [0, -2], lossMask: [0, 1], weightVersion: "9")
        let nodes = cache.statistics.nodes
        try cache.insert(text: "abc", tokens: prompt + [99], logprobs: [0, -2, 0], lossMask: [0, 1, 0], weightVersion: "10")
        #expect(cache.statistics.nodes == nodes + 1, "one new node for the new token, none for the repeated ones")
        #expect(cache.match("abc").weightVersions == ["", "9", ""])
    }

    /// Generation A produced "bc"; request B, sent before A was stored, had
    /// "bc" in its prompt, tokenized the same way. Each keeps its own mask
    /// and values, and each comes back by its generation.
    @Test func aPromptRepeatingAnothersGeneratedTokensKeepsItsOwnMask() throws {
        let tokens = vocabulary.bytewise("abcd")
        let generated = TokenOrigin(generation: "A", weightVersion: "4")
        try cache.insert(
            text: "abc", tokens: Array(tokens.prefix(3)), logprobs: [0, -1, -2], lossMask: [0, 1, 1],
            weightVersion: "4", originRuns: [.init(origin: .prompt, count: 1), .init(origin: generated, count: 2)])
        let other = TokenOrigin(generation: "B", weightVersion: "4")
        try cache.insert(
            text: "abcd", tokens: tokens, logprobs: [0, 0, 0, -3], lossMask: [0, 0, 0, 1], weightVersion: "4",
            originRuns: [.init(origin: .prompt, count: 3), .init(origin: other, count: 1)])
        let a = cache.match("abc", options: .init(generation: "A"))
        #expect(Array(a.lossMask) == [0, 1, 1] && Array(a.logprobs) == [0, -1, -2] && a.lastGeneration == "A")
        let b = cache.match("abcd", options: .init(generation: "B"))
        #expect(Array(b.lossMask) == [0, 0, 0, 1] && Array(b.logprobs) == [0, 0, 0, -3] && b.lastGeneration == "B")
        #expect(b.weightVersions == ["", "", "", "4"])
    }

    @Test func matchesThroughATreeDeeperThanThePathKeptInline() throws {
        // Forty turns, each inserted as the whole conversation so far: a path of forty nodes.
        var text = "", tokens: [UInt32] = [], logprobs: [Double] = [], versions: [String] = []
        for turn in 1...40 {
            let turnText = "t\(turn);"
            text += turnText
            tokens += vocabulary.bytewise(turnText)
            logprobs += turnText.utf8.map { _ in -Double(turn) }
            versions += turnText.utf8.map { _ in "\(turn)" }
            try cache.insert(
                text: text, tokens: tokens, logprobs: logprobs,
                lossMask: Array(repeating: 1, count: tokens.count), weightVersion: "\(turn)")
        }
        let match = cache.match(text + "next")
        #expect(Array(match.tokens) == tokens)
        #expect(Array(match.logprobs) == logprobs)
        #expect(match.weightVersions == versions)
        #expect(match.weightVersionRuns.count == 40)
    }

    /// A node split by a later insert keeps its version in both halves: a
    /// match through them gets one run for the two, whether that run is
    /// among the first four a match keeps inline or after them.
    @Test(arguments: [
        (["a", "ab", "abc", "abcde", "abcdx"], "abcde", [1, 1, 1, 2]),
        (["a", "ab", "abc", "abcd", "abcdef", "abcdeg"], "abcdef", [1, 1, 1, 1, 2]),
    ])
    func versionRunsMergeAcrossASplitNode(inserts: [String], matched: String, runCounts: [Int]) throws {
        let cache = RadixCache(tokenBytes: vocabulary)
        for (index, text) in inserts.enumerated() {
            // The same values for the same positions: a later insert leaves an earlier one's version.
            let tokens = vocabulary.bytewise(text)
            try cache.insert(
                text: text, tokens: tokens, logprobs: tokens.indices.map { -Double($0 + 1) },
                lossMask: Array(repeating: 1, count: tokens.count), weightVersion: "\(index + 1)")
        }
        let runs = cache.match(matched).weightVersionRuns
        #expect(runs.map(\.count) == runCounts)
        #expect(runs.map(\.version) == runCounts.indices.map { "\($0 + 1)" })
    }

    /// Below a deep path, two tokenizations of one text: the walk tries both
    /// branches, and must keep the first's nodes when it finds it best and
    /// then walks the other.
    @Test func keepsTheBestBranchBelowADeepPathWhileTryingAnother() throws {
        var text = "", tokens: [UInt32] = []
        for turn in 1...30 {
            text += "t\(turn);"
            tokens += vocabulary.bytewise("t\(turn);")
            try cache.insert(text, tokens)
        }
        let split = tokens + [vocabulary.id("Hel"), vocabulary.id("lo"), vocabulary.id(" world")]
        let whole = tokens + [vocabulary.id("Hello")] + vocabulary.bytewise(" there")
        try cache.insert(text + "Hello world", split)
        try cache.insert(text + "Hello there", whole)
        #expect(Array(cache.match(text + "Hello world!").tokens) == split)
        #expect(Array(cache.match(text + "Hello there!").tokens) == whole)
    }
}
