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
