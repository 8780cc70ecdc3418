import Synchronization

/// A tree node: an edge of one or more tokens (its `run`) and the subtrees
/// after it. Nodes never change once published, except `lastUsed` and their
/// `retrieval` mark; the writer replaces a node by building a new one (see
/// `RadixCache`).
final class Node: Sendable {
    /// A child and its `ChildKey`. Children are sorted by key; two children
    /// start with the same token only where that token's values or origin
    /// differ (two samples that generated it).
    struct Child: Sendable {
        let key: UInt64
        let node: Node
    }

    let run: TokenRun
    let children: ChildList
    /// The rank of the newest weight version of an insert that went through
    /// this node: what garbage collection goes by (see `WeightVersion`).
    let versionRank: Int64
    /// The generation and weight version that produced the run's generated
    /// tokens (its prompt tokens have none). An insert goes through a node
    /// only where its tokens have the same values and origin, so this never
    /// changes: see `TreeInsertion`.
    let origin: TokenOrigin
    /// The sequence number of the last insert that went through this node.
    let stamp: UInt64
    /// `run.textCount`, here so that a reader starts comparing the text
    /// without waiting for the run's header (it fits beside `isTerminal`).
    let textCount: UInt32
    /// Whether an inserted trajectory ends here.
    let isTerminal: Bool
    /// Set by a lookup that retrieved the trajectory ending here for a
    /// trainer (see `RadixCache.match(_:options:)`). Until then, and while
    /// its version is not stale, eviction keeps the trajectory: it is
    /// training data nobody has fetched yet. Every terminal node has one,
    /// shared with its copies; another node only one that eviction handed
    /// up to it (see `Eviction`).
    let retrieval: RetrievalMark?
    /// When this node was last used, in LRU order (see `usedByInsert` and
    /// `usedByReader`). A lookup marks only the last node of its match:
    /// its ancestors cannot be evicted before it, and `Eviction` hands the
    /// mark up when it goes. So readers write no node that every lookup
    /// passes (the root's children, a shared system prompt).
    let lastUsed: Atomic<UInt64>

    /// The `lastUsed` of a node that the insert stamped `stamp` went through.
    static func usedByInsert(_ stamp: UInt64) -> UInt64 { 2 * stamp }

    /// The `lastUsed` of a node a reader used after the insert stamped
    /// `clock`: after that insert, before the next one.
    static func usedByReader(after clock: UInt64) -> UInt64 { 2 * clock + 1 }

    /// Raises `lastUsed` to `used` (a reader's), writing only when it is
    /// lower: most lookups find it raised already.
    func markUsed(_ used: UInt64) {
        if lastUsed.load(ordering: .relaxed) < used { lastUsed.max(used, ordering: .relaxed) }
    }

    init(
        run: TokenRun, children: ChildList = .empty,
        versionRank: Int64, origin: TokenOrigin, stamp: UInt64, isTerminal: Bool, lastUsed: UInt64,
        retrieval: RetrievalMark? = nil
    ) {
        self.run = run
        self.children = children
        self.versionRank = versionRank
        self.origin = origin
        self.stamp = stamp
        self.textCount = UInt32(run.textCount)
        self.isTerminal = isTerminal
        self.lastUsed = Atomic(lastUsed)
        self.retrieval = retrieval ?? (isTerminal ? RetrievalMark() : nil)
    }

    var isRetrieved: Bool { retrieval?.isSet ?? false }

    /// What a trainer's lookup does to the last node of its match, on the
    /// version it loaded (see `RetrievalMark` for why that is enough).
    /// Returns whether this marked it (it was not marked before).
    @discardableResult
    func markRetrieved() -> Bool { retrieval?.set() ?? false }

    static func root() -> Node {
        Node(run: .empty, versionRank: WeightVersion.unnumberedRank, origin: .prompt, stamp: 0, isTerminal: false, lastUsed: 0)
    }

    /// The text of the run: found from the run's address alone.
    var text: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: run.textStart, count: Int(textCount)) }

    /// This node's key as a child.
    var key: UInt64 {
        ChildKey.of(run.textStart, length: run.flags(at: 0).storedLength)
    }

    // MARK: Copies the writer publishes in place of this node

    /// A copy with what is given changed; it shares this node's retrieval
    /// mark unless given another.
    func copy(
        run: TokenRun? = nil, children: ChildList? = nil, versionRank: Int64? = nil,
        stamp: UInt64? = nil, isTerminal: Bool? = nil, lastUsed: UInt64? = nil, retrieval: RetrievalMark? = nil
    ) -> Node {
        Node(
            run: run ?? self.run, children: children ?? self.children, versionRank: versionRank ?? self.versionRank,
            origin: origin, stamp: stamp ?? self.stamp, isTerminal: isTerminal ?? self.isTerminal,
            lastUsed: lastUsed ?? self.lastUsed.load(ordering: .relaxed), retrieval: retrieval ?? self.retrieval)
    }

    /// How many tokens of the run from `index` on (at most `limit`) are the
    /// trajectory's from `position` on with the same values and, where
    /// generated, origin. Their text is the insert's to compare.
    func agreeingCount(from index: Int, with trajectory: Trajectory, at position: Int, limit: Int) -> Int {
        let values = run.valuesAgreeingCount(from: index, with: trajectory, at: position, limit: limit)
        // Same values, same loss masks: a run without generated tokens agrees with any origin.
        guard values > 0, trajectory.namesOrigins, run.hasGeneratedTokens else { return values }
        return trajectory.originsAgreeingCount(from: position, count: values, with: trajectory.origins.index(of: origin))
    }

    /// Heap bytes of this node alone: the object, its child list and its run.
    var footprint: Int {
        heapObjectBytes(
            properties: MemoryLayout<TokenRun>.size + MemoryLayout<ChildList>.size
                + MemoryLayout<TokenOrigin>.size + MemoryLayout<Int64>.size
                + MemoryLayout<UInt64>.size * 3  // stamp, lastUsed, and textCount with isTerminal
                + MemoryLayout<RetrievalMark?>.size)
            + copiedBytes + run.allocatedBytes + origin.heapBytes
    }

    /// Heap bytes a copy keeping the run and origin may not share with this
    /// node: its child list, and its retrieval mark.
    var copiedBytes: Int {
        children.allocatedBytes + (retrieval == nil ? 0 : RetrievalMark.footprint)
    }
}
