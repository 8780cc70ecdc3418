import Testing
@testable import RadixCache

@Suite struct EvictionTests {
    let vocabulary = TestVocabulary.shared

    /// Plain LRU and staleness: nothing kept for a trainer (see `RetentionTests`).
    func cache(maxTokens: Int = 1_000, maxBytes: Int = 1 << 30, versionWindow: Int = 5) -> RadixCache {
        RadixCache(
            configuration: .init(
                maxTokens: maxTokens, maxBytes: maxBytes, versionWindow: versionWindow,
                keepsUnretrieved: false),
            tokenBytes: vocabulary)
    }

    func insert(_ text: String, into cache: RadixCache, version: String = "1") throws {
        try cache.insert(text, vocabulary.bytewise(text), version: version)
    }

    func isCached(_ text: String, in cache: RadixCache) -> Bool {
        cache.match(text).matchedByteCount == text.utf8.count
    }

    @Test func evictsTheLeastRecentlyUsedLeafFirst() throws {
        let cache = cache(maxTokens: 10)
        try insert("aaaa", into: cache)
        try insert("bbbb", into: cache)
        #expect(isCached("aaaa", in: cache))  // read after "bbbb" was inserted
        try insert("cccc", into: cache)
        #expect(isCached("aaaa", in: cache))
        #expect(cache.match("bbbb").isMiss)
        #expect(isCached("cccc", in: cache))
        #expect(cache.statistics.evictedNodes == 1)
        #expect(cache.statistics.evictedTokens == 4)
    }

    /// A lookup marks only the last node of its match; when that node is
    /// evicted, its parent keeps the mark, so the whole path stays as
    /// recently used as the lookup made it.
    @Test func aLookupKeepsItsPathRecentAfterItsLastNodeIsEvicted() throws {
        let cache = cache(maxTokens: 11, versionWindow: 5)
        try insert("p", into: cache, version: "20")
        try insert("pqqq", into: cache, version: "1")  // "qqq" is stale
        try insert("ssss", into: cache, version: "20")
        #expect(isCached("pqqq", in: cache))  // read after "ssss" was inserted
        try insert("tttt", into: cache, version: "20")  // evicts the stale "qqq"
        try insert("uuuu", into: cache, version: "20")  // evicts one of "p" and "ssss"
        #expect(cache.match("ssss").isMiss)
        #expect(cache.match("pqqq").matchedByteCount == 1)
    }

    @Test func evictsStaleVersionsBeforeRecentlyUsedOnes() throws {
        let cache = cache(maxTokens: 10, versionWindow: 5)
        try insert("aaaa", into: cache, version: "1")
        try insert("bbbb", into: cache, version: "20")
        #expect(isCached("aaaa", in: cache))
        try insert("cccc", into: cache, version: "20")
        #expect(cache.match("aaaa").isMiss)
        #expect(isCached("bbbb", in: cache))
    }

    /// A later insert going through an old entry raises it to its version
    /// (its GC version): it is no longer stale, though matches still report
    /// the version that produced its values.
    @Test func anEntryTouchedByANewerInsertIsNoLongerStale() throws {
        let cache = cache(maxTokens: 13, versionWindow: 5)
        try insert("aaaa", into: cache, version: "1")
        try insert("bbbb", into: cache, version: "1")
        try insert("aaaa", into: cache, version: "20")
        // "bbbb" is now the more recently used: without the raise, LRU among
        // the stale would take "aaaa".
        #expect(isCached("bbbb", in: cache))
        try insert("cccccc", into: cache, version: "20")
        #expect(isCached("aaaa", in: cache))
        #expect(cache.match("aaaa").weightVersions == ["1", "1", "1", "1"])
        #expect(cache.match("bbbb").isMiss)
    }

    @Test func versionsWithinTheWindowAreNotStale() throws {
        let cache = cache(maxTokens: 10, versionWindow: 5)
        try insert("aaaa", into: cache, version: "15")
        try insert("bbbb", into: cache, version: "20")
        #expect(isCached("aaaa", in: cache))
        try insert("cccc", into: cache, version: "20")
        #expect(isCached("aaaa", in: cache))
        #expect(cache.match("bbbb").isMiss)
    }

    @Test func neverEvictsTheTrajectoryJustInserted() throws {
        let cache = cache(maxTokens: 3)
        try insert("abcdef", into: cache)
        #expect(isCached("abcdef", in: cache))
        try insert("xyz", into: cache)
        #expect(isCached("xyz", in: cache))
        #expect(cache.match("abcdef").isMiss)
    }

    @Test func evictsParentsOnceTheirChildrenAreGone() throws {
        let cache = cache(maxTokens: 8)
        try insert("abcd1234", into: cache)
        try insert("abcd5678", into: cache)
        try insert("wxyz", into: cache)
        // 16 tokens: down to 7 takes both leaves, then their shared parent.
        #expect(cache.statistics.cachedTokens == 4)
        #expect(cache.match("abcd").isMiss)
        #expect(cache.statistics.nodes == 2)
        #expect(Ledger.counting(cache.currentSnapshot.root) == cache.currentSnapshot.ledger)
    }

    @Test func keepsWithinTheByteBudget() throws {
        let cache = cache(maxBytes: 2_000)
        for index in 0..<50 { try insert("trajectory number \(index)", into: cache) }
        #expect(cache.statistics.bytesUsed <= 2_000)
        #expect(cache.statistics.evictedNodes > 0)
        #expect(isCached("trajectory number 49", in: cache))
        #expect(Ledger.counting(cache.currentSnapshot.root) == cache.currentSnapshot.ledger)
    }

    @Test func aReaderKeepsTheVersionItHoldsWhileTheWriterEvicts() throws {
        let cache = cache(maxTokens: 10)
        try insert("aaaa", into: cache)
        let held = cache.currentSnapshot
        try insert("bbbb", into: cache)
        try insert("cccc", into: cache)
        #expect(cache.match("aaaa").isMiss)
        let bytes = Array("aaaa".utf8)
        let found = bytes.withUnsafeBufferPointer { text in
            PrefixSearch.searching(text, vocabulary: SharedTokenBytes(vocabulary), from: held.root) { $0.best }
        }
        #expect(found?.tokenCount == 4)
    }
}
