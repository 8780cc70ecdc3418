import Testing
@testable import RadixCache

/// `insert(onlyIfQuick: true)`: what the event loop stores itself while the cache's
/// writer thread is idle. It stores as `insert` does, or gives up with the
/// cache unchanged where `insert` would split a long run, evict, or free a
/// large replaced version.
@Suite struct QuickInsertTests {
    let vocabulary = TestVocabulary.shared

    func cache(maxTokens: Int = 100_000) -> RadixCache {
        RadixCache(configuration: .init(maxTokens: maxTokens, keepsUnretrieved: false), tokenBytes: vocabulary)
    }

    /// Whether it was stored; false when the cache would not be quick.
    func insertIfQuick(_ text: String, into cache: RadixCache, generatedFrom: Int = 0) throws(RadixCacheError) -> Bool {
        let tokens = vocabulary.bytewise(text)
        do {
            try cache.insert(
                text: text, tokens: tokens, logprobs: tokens.indices.map { -Double($0 + 1) / 8 },
                lossMask: tokens.indices.map { $0 >= generatedFrom ? 1 : 0 }, weightVersion: "1", onlyIfQuick: true)
            return true
        } catch .wouldNotBeQuick {
            return false
        }
    }

    func insert(_ text: String, into cache: RadixCache, generatedFrom: Int = 0) throws {
        try cache.insert(text, vocabulary.bytewise(text), generatedFrom: generatedFrom)
    }

    /// Shared prefixes, a split, a branch, a trajectory ending inside a stored one.
    @Test func storesWhatAnInsertStores() throws {
        let texts = ["system: be brief. user: 12", "system: be brief. user: 13", "system: be brief.", "system: be kind"]
        let quick = cache(), plain = cache()
        for text in texts {
            #expect(try insertIfQuick(text, into: quick, generatedFrom: 18))
            try insert(text, into: plain, generatedFrom: 18)
        }
        for text in texts + ["system: be brief. user: 1"] {
            let (got, expected) = (quick.match(text), plain.match(text))
            #expect(Array(got.tokens) == Array(expected.tokens) && Array(got.lossMask) == Array(expected.lossMask))
            #expect(got.logprobs.map(\.bitPattern) == expected.logprobs.map(\.bitPattern))
        }
        // Not `bytesUsed`: it counts arrays' capacities, which the allocator
        // rounds differently from one run to the next (the ledger's sums are
        // checked against a recount by PropertyTests, on both paths).
        let (got, expected) = (quick.statistics, plain.statistics)
        #expect(got.nodes == expected.nodes && got.cachedTokens == expected.cachedTokens && got.entries == expected.entries)
    }

    @Test func leavesSplittingALongRunToTheWriter() throws {
        let cache = cache()
        let long = String(repeating: "a", count: RadixCache.quickSplitLimit + 1)
        try insert(long, into: cache)
        let before = cache.statistics
        let diverging = String(long.prefix(RadixCache.quickSplitLimit / 2)) + "b"
        #expect(try !insertIfQuick(diverging, into: cache))
        #expect(cache.statistics == before)
        #expect(cache.match(diverging).tokenCount == RadixCache.quickSplitLimit / 2)

        // The writer splits it; freeing the version that held the long run
        // is the writer's too, so quick inserts wait until it is freed.
        try insert(diverging, into: cache)
        #expect(try !insertIfQuick("short", into: cache))
        try insert("other", into: cache)
        #expect(try insertIfQuick("short", into: cache))
        #expect(cache.match(diverging).tokenCount == diverging.utf8.count)
    }

    /// A run of `quickSplitLimit` tokens is split quickly.
    @Test func splitsARunUpToTheLimit() throws {
        let cache = cache()
        try insert(String(repeating: "a", count: RadixCache.quickSplitLimit), into: cache)
        try insert("other", into: cache)  // frees nothing large: the first insert split nothing
        #expect(try insertIfQuick("aab", into: cache))
    }

    @Test func leavesEvictionToTheWriter() throws {
        let cache = cache(maxTokens: 10)
        #expect(try insertIfQuick("aaaa", into: cache))
        #expect(try insertIfQuick("bbbb", into: cache))
        let before = cache.statistics
        #expect(try !insertIfQuick("cccc", into: cache))
        #expect(cache.statistics == before)
        try insert("cccc", into: cache)
        #expect(cache.statistics.evictedNodes == 1)
        #expect(try !insertIfQuick("dd", into: cache))  // the evicted node is not freed yet
    }

    @Test func refusesWhatAnInsertRefuses() {
        let cache = cache()
        #expect(throws: RadixCacheError.textNotCovered(spelledBytes: 2, textBytes: 3)) {
            try cache.insert(
                text: "abc", tokens: vocabulary.bytewise("ab"), logprobs: [0, 0], lossMask: [0, 0], weightVersion: "1",
                onlyIfQuick: true)
        }
        #expect(cache.statistics.nodes == 1)
    }
}
