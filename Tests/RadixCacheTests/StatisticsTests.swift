import Testing
@testable import RadixCache

@Suite struct StatisticsTests {
    let vocabulary = TestVocabulary.shared

    @Test func countsLookupsAndTokens() throws {
        let cache = RadixCache(tokenBytes: vocabulary)
        try cache.insert("Hello world", [vocabulary.id("Hello"), vocabulary.id(" world")])
        _ = cache.match("Hello world!!")
        _ = cache.match("Hello")
        _ = cache.match("Bye")
        let statistics = cache.statistics
        #expect(statistics.hits == 2)
        #expect(statistics.misses == 1)
        #expect(statistics.hitRate == 2.0 / 3.0)
        #expect(statistics.hitTokens == 3)
    }

    @Test func countsTheTree() throws {
        let cache = RadixCache(tokenBytes: vocabulary)
        #expect(cache.statistics.nodes == 1)
        #expect(cache.statistics.entries == 0)
        try cache.insert("ab", vocabulary.bytewise("ab"))
        try cache.insert("abc", vocabulary.bytewise("abc"))
        try cache.insert("abd", vocabulary.bytewise("abd"))
        let statistics = cache.statistics
        #expect(statistics.entries == 3)
        #expect(statistics.nodes == 4)
        #expect(statistics.cachedTokens == 4)
        #expect(statistics.bytesUsed == Ledger.counting(cache.currentSnapshot.root).bytes)
        #expect(statistics.evictedNodes == 0)
    }

    @Test func bytesUsedGrowWithTokensAndText() throws {
        let cache = RadixCache(tokenBytes: vocabulary)
        try cache.insert("a", vocabulary.bytewise("a"))
        let small = cache.statistics.bytesUsed
        let text = String(repeating: "a", count: 1_001)
        try cache.insert(text, vocabulary.bytewise(text))
        // 1,000 more tokens at 4 (id and flags) + 4 (logprob) + 1 (text)
        // bytes, plus one new node and the child array of its parent.
        #expect((9_000...9_300).contains(cache.statistics.bytesUsed - small))
    }
}
