import Testing

@testable import RadixCache

/// An insert spells the prefix the tree holds already by its nodes, and only
/// the rest by the vocabulary: the tokens must come out spelled exactly as
/// the vocabulary alone would spell them, and a trajectory that does not
/// spell its text must be refused past a shared prefix too.
@Suite struct InsertSpellingTests {
    let vocabulary = TestVocabulary.shared
    var cache: RadixCache { RadixCache(tokenBytes: vocabulary) }

    /// The same ids, with a stop token the first text omits and the second
    /// spells out: the second goes through the first's node only up to the
    /// stop token, and each text finds its own trajectory.
    @Test(arguments: [("Hi!", "Hi<|im_end|>!"), ("Hi<|im_end|>!", "Hi!")])
    func aStopTokenSpelledOnlyByOneTextBranches(first: String, second: String) throws {
        let cache = cache
        let tokens = vocabulary.bytewise("Hi") + [vocabulary.endOfTurn] + vocabulary.bytewise("!")
        try cache.insert(first, tokens)
        try cache.insert(second, tokens)
        // The root, "Hi", and one node after it for each text.
        #expect(cache.statistics.nodes == 4)
        for text in [first, second] {
            let match = cache.match(text)
            #expect(Array(match.tokens) == tokens)
            #expect(match.matchedByteCount == text.utf8.count)
        }
    }

    @Test func refusesTokensThatStopSpellingTheTextAfterAStoredPrefix() throws {
        let cache = cache
        try cache.insert("Hello world", [vocabulary.id("Hello"), vocabulary.id(" world")])
        let before = cache.statistics
        let tokens = [vocabulary.id("Hello"), vocabulary.id(" wor"), vocabulary.id("ld")]
        #expect(throws: RadixCacheError.tokenDoesNotSpellText(index: 1, token: tokens[1], byteOffset: 5)) {
            try cache.insert("Hello there", tokens)
        }
        #expect(cache.statistics == before)
    }

    @Test func refusesTokensThatEndWithAStoredNodeBeforeTheTextEnds() throws {
        let cache = cache
        try cache.insert("Hello", [vocabulary.id("Hello")])
        #expect(throws: RadixCacheError.textNotCovered(spelledBytes: 5, textBytes: 11)) {
            try cache.insert("Hello world", [vocabulary.id("Hello")])
        }
    }

    /// An empty text (the trajectory's text is read in place): tokens
    /// omitted from it alone are stored, then gone through.
    @Test func storesTokensOmittedFromAnEmptyText() throws {
        let cache = cache
        try cache.insert("", [vocabulary.endOfTurn])
        try cache.insert("", [vocabulary.endOfTurn])
        try cache.insert("!", [vocabulary.endOfTurn] + vocabulary.bytewise("!"))
        #expect(Array(cache.match("!").tokens) == [vocabulary.endOfTurn] + vocabulary.bytewise("!"))
    }

    /// A token longer than a stored token's length field, inside a shared
    /// prefix: its length comes from the vocabulary.
    @Test func sharesAPrefixHoldingALongToken() throws {
        let cache = cache
        let long = vocabulary.id(TestVocabulary.long)
        let first = vocabulary.bytewise("a") + [long] + vocabulary.bytewise("bc")
        let second = vocabulary.bytewise("a") + [long] + vocabulary.bytewise("bd")
        try cache.insert("a" + TestVocabulary.long + "bc", first)
        try cache.insert("a" + TestVocabulary.long + "bd", second)
        // The root, the shared "a=…=b", "c" and "d".
        #expect(cache.statistics.nodes == 4)
        let match = cache.match("a" + TestVocabulary.long + "bd")
        #expect(Array(match.tokens) == second)
    }
}
