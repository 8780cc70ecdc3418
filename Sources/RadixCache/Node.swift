import Synchronization

/// A tree node: an edge of one or more tokens (its `run`) and the subtrees
/// after it. Nodes never change once published, except `lastUsed`; the
/// writer replaces a node by building a new one (see `RadixCache`).
final class Node: Sendable {
    /// A child and its `ChildKey`. Children are told apart by their first
    /// token and sorted by key.
    struct Child: Sendable {
        let key: UInt64
        let node: Node
    }

    let run: TokenRun
    let children: [Child]
    /// The rank of the newest weight version of an insert that went through
    /// this node: what garbage collection goes by (see `WeightVersion`).
    let versionRank: Int64
    /// The version of the insert whose values the run holds: the policy that
    /// produced these tokens, which readers report. Later inserts repeating
    /// the same values raise `version` but leave this.
    let producedBy: String
    /// The sequence number of the last insert that went through this node.
    let stamp: UInt64
    /// Whether an inserted trajectory ends here.
    let isTerminal: Bool
    /// When this node was last used, in LRU order (see `usedByInsert` and `usedByReader`).
    let lastUsed: Atomic<UInt64>

    /// The `lastUsed` of a node that the insert stamped `stamp` went through.
    static func usedByInsert(_ stamp: UInt64) -> UInt64 { 2 * stamp }

    /// The `lastUsed` of a node a reader used after the insert stamped
    /// `clock`: after that insert, before the next one.
    static func usedByReader(after clock: UInt64) -> UInt64 { 2 * clock + 1 }

    init(
        run: TokenRun, children: [Child] = [],
        versionRank: Int64, producedBy: String, stamp: UInt64, isTerminal: Bool, lastUsed: UInt64
    ) {
        self.run = run
        self.children = children
        self.versionRank = versionRank
        self.producedBy = producedBy
        self.stamp = stamp
        self.isTerminal = isTerminal
        self.lastUsed = Atomic(lastUsed)
    }

    static func root() -> Node {
        Node(run: .empty, versionRank: WeightVersion.unnumberedRank, producedBy: "", stamp: 0, isTerminal: false, lastUsed: 0)
    }

    /// This node's key as a child.
    var key: UInt64 {
        ChildKey.of(run.text.baseAddress!, length: run.flags(at: 0).storedLength)
    }

    /// The indices of the children keyed `key`: one binary search, then a
    /// scan of the (almost always zero or one) equal keys.
    func childIndices(withKey key: UInt64) -> Range<Int> {
        let first = lowerBound(of: key)
        var end = first
        while end < children.count, children[end].key == key { end += 1 }
        return first..<end
    }

    /// The index of the child whose run starts with `token`, keyed `key`.
    func childIndex(startingWith token: UInt32, key: UInt64) -> Int? {
        childIndices(withKey: key).first { children[$0].node.run.token(at: 0) == token }
    }

    private func lowerBound(of key: UInt64) -> Int {
        var low = 0, high = children.count
        while low < high {
            let middle = (low + high) / 2
            if children[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    // MARK: Copies the writer publishes in place of this node

    func copy(
        run: TokenRun? = nil, children: [Child]? = nil, versionRank: Int64? = nil, producedBy: String? = nil,
        stamp: UInt64? = nil, isTerminal: Bool? = nil, lastUsed: UInt64? = nil
    ) -> Node {
        Node(
            run: run ?? self.run, children: children ?? self.children, versionRank: versionRank ?? self.versionRank,
            producedBy: producedBy ?? self.producedBy,
            stamp: stamp ?? self.stamp, isTerminal: isTerminal ?? self.isTerminal,
            lastUsed: lastUsed ?? self.lastUsed.load(ordering: .relaxed))
    }

    func replacingChild(at index: Int, with child: Node) -> Node {
        var children = children
        children[index] = Child(key: children[index].key, node: child)
        return copy(children: children)
    }

    func addingChild(_ child: Node) -> Node {
        let key = child.key
        var children = children
        children.insert(Child(key: key, node: child), at: lowerBound(of: key + 1))
        return copy(children: children)
    }

    /// Heap bytes of this node alone: the object, its child array and its run.
    var footprint: Int {
        heapObjectBytes(
            properties: MemoryLayout<TokenRun>.size + MemoryLayout<[Child]>.size
                + MemoryLayout<String>.size + MemoryLayout<Int64>.size + MemoryLayout<UInt64>.size * 3)
            + heapArrayBytes(children) + run.allocatedBytes
    }
}
