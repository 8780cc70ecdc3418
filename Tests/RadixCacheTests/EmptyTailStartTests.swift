import Testing
@testable import RadixCache

/// A generation's tail may start with a token that spells nothing (an end
/// of turn the client's text omits) and go on with tokens that spell text
/// the client never saw. A trainer's text ending where the client's ended
/// takes the whole tail, whether the tree holds it in the run of the text
/// before it or in a child of its own. (Fuzzing found the two shapes giving
/// different matches: `fuzz/corpus/radix-cache/tail-starting-with-an-omitted-token`.)
@Suite struct EmptyTailStartTests {
    let vocabulary = TestVocabulary.shared

    /// "ab" is the prompt; the generation is `<|im_end|>` (omitted from the
    /// text) and "H", both its tail.
    func insertGeneration(_ cache: RadixCache) throws {
        try cache.insert(
            text: "abH", tokens: vocabulary.bytewise("ab") + [vocabulary.endOfTurn] + vocabulary.bytewise("H"),
            logprobs: [0, 0, -0.5, -0.25], lossMask: [0, 0, 1, 1], weightVersion: "1", tailCount: 2)
    }

    var wholeGeneration: [UInt32] { vocabulary.bytewise("ab") + [vocabulary.endOfTurn] + vocabulary.bytewise("H") }

    func trainerLookup(_ cache: RadixCache) -> [UInt32] {
        Array(cache.match("ab", options: .init(includesTails: true)).tokens)
    }

    @Test func theTailInTheRunOfTheTextIsTaken() throws {
        let cache = RadixCache(configuration: .init(), tokenBytes: vocabulary)
        try insertGeneration(cache)
        #expect(trainerLookup(cache) == wholeGeneration)
    }

    @Test func theTailInAChildOfItsOwnIsTaken() throws {
        let cache = RadixCache(configuration: .init(), tokenBytes: vocabulary)
        try insertGeneration(cache)
        // Another generation after the same prompt splits the run after "ab".
        try cache.insert(
            text: "abQ", tokens: vocabulary.bytewise("abQ"), logprobs: [0, 0, -1], lossMask: [0, 0, 1], weightVersion: "2")
        #expect(trainerLookup(cache) == wholeGeneration)
    }

    @Test func theTailAtTheEndOfARunGoesOnInItsChild() throws {
        let cache = RadixCache(configuration: .init(), tokenBytes: vocabulary)
        try insertGeneration(cache)
        // A trajectory going through the end of turn splits the run after it.
        try cache.insert(
            text: "abZ", tokens: vocabulary.bytewise("ab") + [vocabulary.endOfTurn] + vocabulary.bytewise("Z"),
            logprobs: [0, 0, -0.5, -2], lossMask: [0, 0, 1, 1], weightVersion: "1")
        #expect(trainerLookup(cache) == wholeGeneration)
    }
}
