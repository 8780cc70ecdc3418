import Testing
@testable import RadixCache

/// A trainer's retrieval marks the trajectory it got, so that eviction may
/// take it from then on. A reader marks a node of the version it loaded;
/// the writer may have copied that node meanwhile (path copying), and the
/// mark must reach the copy, or the trajectory stays protected until its
/// version goes stale.
@Suite struct RetrievalMarkTests {
    let vocabulary = TestVocabulary.shared

    func insert(_ text: String, into cache: RadixCache) throws {
        try cache.insert(text, vocabulary.bytewise(text))
    }

    /// The node where a trajectory spelling `text` ends, in `snapshot`.
    func terminalNode(spelling text: String, in snapshot: Snapshot) -> Node? {
        var node = snapshot.root
        var rest = Array(text.utf8)[...]
        while !rest.isEmpty {
            guard let next = node.children.lazy.map(\.node).first(where: { rest.starts(with: $0.text) }) else { return nil }
            rest = rest.dropFirst(next.text.count)
            node = next
        }
        return node.isTerminal ? node : nil
    }

    /// The reader loads a version; the writer then stores the same
    /// trajectory again (a copy of its node, stamped) or one that splits its
    /// node; only then does the reader mark what it found.
    @Test(arguments: ["aaaa", "aabb"]) func aMarkSetOnACopiedNodeReachesTheCopy(nextInsert: String) throws {
        let cache = RadixCache(configuration: .init(maxTokens: 100), tokenBytes: vocabulary)
        try insert("aaaa", into: cache)
        let loaded = try #require(terminalNode(spelling: "aaaa", in: cache.currentSnapshot))
        try insert(nextInsert, into: cache)
        let replacement = try #require(terminalNode(spelling: "aaaa", in: cache.currentSnapshot))
        #expect(replacement !== loaded)

        loaded.markRetrieved()
        #expect(replacement.isRetrieved)
    }

    /// What the lost mark did: a full cache refused new trajectories while
    /// the retrieved one stayed protected.
    @Test func aRetrievedTrajectoryMarkedOnAnOldVersionCanBeEvicted() throws {
        let cache = RadixCache(configuration: .init(maxTokens: 12, keepsUnretrieved: true), tokenBytes: vocabulary)
        try insert("aaaa", into: cache)
        let loaded = try #require(terminalNode(spelling: "aaaa", in: cache.currentSnapshot))
        try insert("aaaa", into: cache)
        loaded.markRetrieved()

        try insert("bbbbbbbbbb", into: cache)
        #expect(cache.match("bbbbbbbbbb").tokenCount == 10)
        #expect(cache.match("aaaa").tokenCount == 0)
    }

    /// A node where a trajectory newly ends starts unmarked, even when the
    /// node it copies carried a mark.
    @Test func aNewEndStartsUnretrieved() throws {
        let cache = RadixCache(configuration: .init(maxTokens: 100), tokenBytes: vocabulary)
        try insert("aaaa", into: cache)
        _ = cache.match("aaaa", options: .retrieval())
        try insert("aa", into: cache)
        #expect(try #require(terminalNode(spelling: "aaaa", in: cache.currentSnapshot)).isRetrieved)
        #expect(try !#require(terminalNode(spelling: "aa", in: cache.currentSnapshot)).isRetrieved)
    }

    /// GRPO: two samples of one prompt share the prompt and their first
    /// generated tokens (a split node). Retrieving one, and evicting it,
    /// leaves the other protected: its own tail is never evicted silently.
    @Test func retrievingOneSampleKeepsItsSiblingProtected() throws {
        let cache = RadixCache(configuration: .init(maxTokens: 14, keepsUnretrieved: true), tokenBytes: vocabulary)
        try cache.insert("ppppaaaa", vocabulary.bytewise("ppppaaaa"), generatedFrom: 4)
        try cache.insert("ppppaabb", vocabulary.bytewise("ppppaabb"), generatedFrom: 4)
        #expect(cache.match("ppppaaaa", options: .retrieval()).tokenCount == 8)

        try insert("zzzzzz", into: cache)
        #expect(cache.match("ppppaaaa").tokenCount == 6, "the retrieved sample's own tail is evicted")
        #expect(cache.match("ppppaabb").tokenCount == 8)
        #expect(try !#require(terminalNode(spelling: "ppppaabb", in: cache.currentSnapshot)).isRetrieved)
        #expect(throws: RadixCacheError.self) { try insert("yyyyyy", into: cache) }
        #expect(cache.match("ppppaabb").tokenCount == 8)
    }

    /// A trainer that retrieves a trajectory which is a prefix of another
    /// (it ends where a split cut the other's node) marks only its own end;
    /// a lookup that ends inside a node marks nothing.
    @Test func retrievingAPrefixLeavesTheLongerTrajectoryUnmarked() throws {
        let cache = RadixCache(configuration: .init(maxTokens: 100), tokenBytes: vocabulary)
        try insert("aaaabbbb", into: cache)
        _ = cache.match("aaaabb", options: .retrieval())
        #expect(try !#require(terminalNode(spelling: "aaaabbbb", in: cache.currentSnapshot)).isRetrieved)

        try insert("aaaa", into: cache)
        _ = cache.match("aaaa", options: .retrieval())
        #expect(try #require(terminalNode(spelling: "aaaa", in: cache.currentSnapshot)).isRetrieved)
        #expect(try !#require(terminalNode(spelling: "aaaabbbb", in: cache.currentSnapshot)).isRetrieved)
    }
}
