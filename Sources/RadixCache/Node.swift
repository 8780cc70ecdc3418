import Synchronization

/// A tree node: an edge of one or more tokens (its `run`) and the subtrees
/// after it. Nodes never change once published, except `lastUsed`; the
/// writer replaces a node by building a new one (see `RadixCache`).
///
/// Children are told apart by their first token, and kept sorted by `key`
/// so a reader finds the few children whose text can continue its text.
final class Node: Sendable {
    let run: TokenRun
    let children: [Node]
    /// `children[i].key`, in ascending order.
    let childKeys: [UInt16]
    /// The newest weight version of an insert that went through this node.
    let version: WeightVersion
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
        run: TokenRun, children: [Node] = [], childKeys: [UInt16] = [],
        version: WeightVersion, stamp: UInt64, isTerminal: Bool, lastUsed: UInt64
    ) {
        self.run = run
        self.children = children
        self.childKeys = childKeys
        self.version = version
        self.stamp = stamp
        self.isTerminal = isTerminal
        self.lastUsed = Atomic(lastUsed)
    }

    static func root() -> Node {
        Node(run: .empty, version: WeightVersion(""), stamp: 0, isTerminal: false, lastUsed: 0)
    }

    /// 0 when the run starts with a token omitted from the text, else 1 + its first text byte.
    var key: UInt16 { run.flags(at: 0).isOmittedFromText ? 0 : 1 + UInt16(run.text[0]) }

    /// The children whose key is `key`.
    func children(withKey key: UInt16) -> Range<Int> {
        lowerBound(of: key)..<lowerBound(of: key + 1)
    }

    /// The child whose run starts with `token` (present or omitted as `key` says).
    func childIndex(startingWith token: UInt32, key: UInt16) -> Int? {
        children(withKey: key).first { children[$0].run.token(at: 0) == token }
    }

    private func lowerBound(of key: UInt16) -> Int {
        var low = 0, high = childKeys.count
        while low < high {
            let middle = (low + high) / 2
            if childKeys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    // MARK: Copies the writer publishes in place of this node

    func copy(
        run: TokenRun? = nil, children: [Node]? = nil, childKeys: [UInt16]? = nil,
        version: WeightVersion? = nil, stamp: UInt64? = nil, isTerminal: Bool? = nil, lastUsed: UInt64? = nil
    ) -> Node {
        Node(
            run: run ?? self.run, children: children ?? self.children, childKeys: childKeys ?? self.childKeys,
            version: version ?? self.version, stamp: stamp ?? self.stamp, isTerminal: isTerminal ?? self.isTerminal,
            lastUsed: lastUsed ?? self.lastUsed.load(ordering: .relaxed))
    }

    func replacingChild(at index: Int, with child: Node) -> Node {
        var children = children
        children[index] = child
        return copy(children: children)
    }

    func addingChild(_ child: Node) -> Node {
        let index = lowerBound(of: child.key + 1)
        var children = children, keys = childKeys
        children.insert(child, at: index)
        keys.insert(child.key, at: index)
        return copy(children: children, childKeys: keys)
    }

    /// Heap bytes of this node alone: the object, its child arrays and its run.
    var footprint: Int {
        heapObjectBytes(
            properties: MemoryLayout<TokenRun>.size + MemoryLayout<[Node]>.size + MemoryLayout<[UInt16]>.size
                + MemoryLayout<WeightVersion>.size + MemoryLayout<UInt64>.size * 3)
            + heapArrayBytes(children) + heapArrayBytes(childKeys) + run.allocatedBytes
    }
}
