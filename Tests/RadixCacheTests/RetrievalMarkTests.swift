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
}
