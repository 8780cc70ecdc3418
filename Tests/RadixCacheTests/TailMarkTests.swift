import Testing
@testable import RadixCache

/// A token's tail mark is set by the trajectory that stores the token. One
/// that later goes through it leaves the mark alone, since a next turn's
/// prompt repeats an earlier turn's stop token as an ordinary token. Once
/// eviction has dropped the token, whichever trajectory stores it again
/// marks it afresh. (Fuzzing found the reference model assuming the first
/// trajectory's mark forever: `fuzz/corpus/radix-cache/tail-stored-again-after-eviction`.)
@Suite struct TailMarkTests {
    let vocabulary = TestVocabulary.shared

    func cache(maxTokens: Int) -> RadixCache {
        RadixCache(
            configuration: .init(maxTokens: maxTokens, maxBytes: 1 << 20, versionWindow: 5, keepsUnretrieved: false),
            tokenBytes: vocabulary)
    }

    /// "ab" is the prompt and "cd" generated; with `tailCount` 2, "cd" is
    /// the generation's tail (a stop string the client never saw).
    func insert(_ cache: RadixCache, tailCount: Int) throws {
        try cache.insert(
            text: "abcd", tokens: vocabulary.bytewise("abcd"), logprobs: [0, 0, -0.5, -0.25], lossMask: [0, 0, 1, 1],
            weightVersion: "1", tailCount: tailCount)
    }

    func trainerLookup(_ cache: RadixCache) -> [UInt32] {
        Array(cache.match("ab", options: .init(includesTails: true)).tokens)
    }

    @Test func aTrajectoryGoingThroughStoredTokensLeavesTheirMarksAlone() throws {
        let cache = cache(maxTokens: 100)
        try insert(cache, tailCount: 0)
        try insert(cache, tailCount: 2)
        #expect(trainerLookup(cache) == vocabulary.bytewise("ab"))
    }

    @Test func aTokenStoredAgainAfterEvictionCarriesItsNewMark() throws {
        let cache = cache(maxTokens: 6)
        try insert(cache, tailCount: 0)
        try cache.insert("wxyz", vocabulary.bytewise("wxyz"))  // over budget: evicts "abcd"
        #expect(cache.match("abcd").isMiss)
        try insert(cache, tailCount: 2)  // evicts "wxyz", stores "abcd" again
        #expect(cache.match("wxyz").isMiss)
        #expect(trainerLookup(cache) == vocabulary.bytewise("abcd"))
    }
}
