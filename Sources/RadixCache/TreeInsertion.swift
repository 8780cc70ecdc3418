/// One insert applied to the tree by path copying: each node the trajectory
/// goes through is replaced by a copy stamped with this insert, so readers of
/// earlier snapshots never see a change. Nodes off the path are shared.
///
/// The insert goes through a node only as far as the node holds the same
/// tokens with the same values (log-probabilities bit for bit, loss mask)
/// and, for generated tokens, the same origin. Where they differ it branches:
/// two samples of one prompt that generated the same first tokens keep their
/// own values side by side, and stored values are never overwritten.
struct TreeInsertion {
    let trajectory: Trajectory
    let stamp: UInt64
    let vocabulary: any TokenBytes
    var ledger: Ledger

    /// The new root, with the trajectory stored and every node on its path
    /// raised to its version and stamped.
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
        let found = node.children.index(key: key) { $0.agrees(at: 0, with: trajectory, at: position) }
        guard let index = found else {
            let branch = newBranch(from: position)
            return touch(node.addingChild(branch), replacing: node)
        }
        let child = node.children[index].node
        let shared = sharedTokenCount(child, from: position)
        let fitted = shared < child.run.count ? split(child, at: shared) : child
        let updated = descend(fitted, from: position + shared)
        return touch(node.replacingChild(at: index, with: updated), replacing: node)
    }

    /// How many of `node`'s tokens the trajectory repeats from `position`.
    private func sharedTokenCount(_ node: Node, from position: Int) -> Int {
        var count = 0
        while count < node.run.count, position + count < trajectory.count,
            node.agrees(at: count, with: trajectory, at: position + count)
        {
            count += 1
        }
        return count
    }

    /// New nodes for the trajectory's tokens from `position` on: one node per
    /// origin of generated tokens (prompt tokens join the node they are in),
    /// the last one ending the trajectory.
    private mutating func newBranch(from position: Int) -> Node {
        var segments: [(range: Range<Int>, origin: TokenOrigin)] = []
        var start = position
        var origin: TokenOrigin?
        for index in position..<trajectory.count where trajectory.lossMask[index] == 1 {
            let tokenOrigin = trajectory.origin(at: index)
            if let current = origin, current != tokenOrigin {
                segments.append((start..<index, current))
                start = index
            }
            origin = tokenOrigin
        }
        segments.append((start..<trajectory.count, origin ?? .prompt))
        var below: Node?
        for segment in segments.reversed() {
            let node = Node(
                run: .make(from: trajectory, range: segment.range),
                children: below.map { ChildList([Node.Child(key: $0.key, node: $0)]) } ?? .empty,
                versionRank: trajectory.version.rank, origin: segment.origin, stamp: stamp,
                isTerminal: below == nil, lastUsed: Node.usedByInsert(stamp))
            ledger.add(node)
            below = node
        }
        return below!
    }

    /// Cuts `node` after `count` tokens; returns the upper half, whose only
    /// child is the lower half (which keeps the children and terminal mark).
    private mutating func split(_ node: Node, at count: Int) -> Node {
        let lower = node.copy(run: node.run.slice(count..<node.run.count, vocabulary: vocabulary))
        let upper = node.copy(
            run: node.run.slice(0..<count, vocabulary: vocabulary),
            children: ChildList([Node.Child(key: lower.key, node: lower)]), isTerminal: false, retrieved: false)
        ledger.replace(node, with: lower)
        ledger.add(upper)
        return upper
    }

    private mutating func touch(_ node: Node, replacing old: Node, endsHere: Bool = false) -> Node {
        let touched = node.copy(
            versionRank: max(node.versionRank, trajectory.version.rank), stamp: stamp,
            isTerminal: node.isTerminal || endsHere, lastUsed: Node.usedByInsert(stamp),
            retrieved: endsHere && !node.isTerminal ? false : nil)
        ledger.replace(old, with: touched)
        return touched
    }
}
