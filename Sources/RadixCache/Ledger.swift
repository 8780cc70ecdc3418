/// What the live tree holds. The writer keeps it current as it swaps nodes,
/// instead of walking the tree.
struct Ledger: Sendable, Equatable {
    /// Nodes, the root included.
    var nodes = 0
    var tokens = 0
    var bytes = 0
    /// Nodes where an inserted trajectory ends.
    var entries = 0

    mutating func add(_ node: Node) { count(node, sign: 1) }
    mutating func remove(_ node: Node) { count(node, sign: -1) }

    mutating func replace(_ old: Node, with new: Node) {
        remove(old)
        add(new)
    }

    /// `new` is a copy of `old` with the same run and origin: only their
    /// child lists, retrieval marks and terminal marks can differ, so only
    /// those are counted (an insert replaces every node on its path so).
    mutating func replace(_ old: Node, withCopy new: Node) {
        bytes += new.copiedBytes - old.copiedBytes
        entries += (new.isTerminal ? 1 : 0) - (old.isTerminal ? 1 : 0)
    }

    /// The ledger of the tree under `root`, counted node by node.
    static func counting(_ root: Node) -> Ledger {
        var ledger = Ledger()
        var pending = [root]
        while let node = pending.popLast() {
            ledger.add(node)
            pending.append(contentsOf: node.children.map(\.node))
        }
        return ledger
    }

    private mutating func count(_ node: Node, sign: Int) {
        nodes += sign
        tokens += sign * node.run.count
        bytes += sign * node.footprint
        entries += sign * (node.isTerminal ? 1 : 0)
    }
}
