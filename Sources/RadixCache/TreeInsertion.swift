/// One insert applied to the tree by path copying: each node the trajectory
/// goes through is replaced by a copy stamped with this insert, so readers of
/// earlier snapshots never see a change. Nodes off the path are shared.
struct TreeInsertion {
    let trajectory: Trajectory
    let stamp: UInt64
    let vocabulary: any TokenBytes
    var ledger: Ledger

    /// The new root, with the trajectory stored and every node on its path
    /// raised to its version, stamped, and carrying its latest values.
    mutating func apply(to root: Node) -> Node {
        descend(root, from: 0)
    }

    /// `node`'s run matches the trajectory up to `position`; returns the node
    /// that replaces it.
    private mutating func descend(_ node: Node, from position: Int) -> Node {
        guard position < trajectory.count else { return touch(node, replacing: node, endsHere: true) }
        let key = trajectory.text.withUnsafeBufferPointer {
            ChildKey.of($0.baseAddress! + trajectory.textOffsets[position], length: trajectory.textLength(at: position))
        }
        guard let index = node.children.index(startingWith: trajectory.tokens[position], key: key) else {
            let leaf = Node(
                run: .make(from: trajectory, range: position..<trajectory.count),
                versionRank: trajectory.version.rank, producedBy: trajectory.version.label, stamp: stamp, isTerminal: true,
                lastUsed: Node.usedByInsert(stamp))
            ledger.add(leaf)
            return touch(node.addingChild(leaf), replacing: node)
        }
        let child = node.children[index].node
        let shared = sharedTokenCount(child.run, from: position)
        let fitted = shared < child.run.count ? split(child, at: shared) : child
        let updated = descend(refreshingValues(of: fitted, from: position), from: position + shared)
        return touch(node.replacingChild(at: index, with: updated), replacing: node)
    }

    /// How many of `run`'s tokens the trajectory repeats from `position`:
    /// same ids, each present in or omitted from the text alike.
    private func sharedTokenCount(_ run: TokenRun, from position: Int) -> Int {
        var count = 0
        while count < run.count, position + count < trajectory.count,
              run.token(at: count) == trajectory.tokens[position + count],
              run.flags(at: count).isOmittedFromText == (trajectory.textLength(at: position + count) == 0) {
            count += 1
        }
        return count
    }

    /// Cuts `node` after `count` tokens; returns the upper half, whose only
    /// child is the lower half (which keeps the children and terminal mark).
    private mutating func split(_ node: Node, at count: Int) -> Node {
        let lower = node.copy(run: node.run.slice(count..<node.run.count, vocabulary: vocabulary))
        let upper = node.copy(
            run: node.run.slice(0..<count, vocabulary: vocabulary),
            children: ChildList([Node.Child(key: lower.key, node: lower)]), isTerminal: false)
        ledger.replace(node, with: lower)
        ledger.add(upper)
        return upper
    }

    /// The latest insert's log-probabilities and loss mask replace different
    /// stored ones, so values always match the version the node reports.
    private mutating func refreshingValues(of node: Node, from position: Int) -> Node {
        if node.run.hasSameValues(as: trajectory, from: position) { return node }
        let refreshed = node.copy(run: .make(from: trajectory, range: position..<position + node.run.count),
                                  producedBy: trajectory.version.label)
        ledger.replace(node, with: refreshed)
        return refreshed
    }

    private mutating func touch(_ node: Node, replacing old: Node, endsHere: Bool = false) -> Node {
        let touched = node.copy(
            versionRank: max(node.versionRank, trajectory.version.rank), stamp: stamp,
            isTerminal: node.isTerminal || endsHere, lastUsed: Node.usedByInsert(stamp))
        ledger.replace(old, with: touched)
        return touched
    }
}
