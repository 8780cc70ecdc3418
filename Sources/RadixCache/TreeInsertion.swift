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
    /// Spelled as the insert goes (see `Trajectory`).
    var trajectory: Trajectory
    let stamp: UInt64
    let vocabulary: any TokenBytes
    var ledger: Ledger

    /// The new root, with the trajectory stored and every node on its path
    /// raised to its version and stamped. Throws if the tokens do not spell
    /// the text; the tree is then unchanged.
    mutating func apply(to root: Node) throws(RadixCacheError) -> Node {
        try descend(root, from: 0)
    }

    /// `node`'s run matches the trajectory up to `position`; returns the node
    /// that replaces it.
    private mutating func descend(_ node: Node, from position: Int) throws(RadixCacheError) -> Node {
        guard position < trajectory.count else {
            try trajectory.checkSpelledWhole()
            return touch(node, replacing: node, endsHere: true)
        }
        try trajectory.spell(through: position, vocabulary: vocabulary)
        let key = trajectory.text.withUnsafeBufferPointer {
            ChildKey.of($0.baseAddress! + trajectory.textOffsets[position], length: trajectory.textLength(at: position))
        }
        // The key holds the first token's length (0: omitted from the text),
        // so a child under it with the same first token spells it as the
        // trajectory does.
        let found = node.children.index(key: key) { $0.agreeingCount(from: 0, with: trajectory, at: position, limit: 1) == 1 }
        guard let index = found else {
            let branch = try newBranch(from: position)
            return touch(node.addingChild(branch), replacing: node)
        }
        let child = node.children[index].node
        let shared = sharedTokenCount(child, from: position)
        let fitted = shared < child.run.count ? split(child, at: shared) : child
        let updated = try descend(fitted, from: position + shared)
        return touch(node.replacingChild(at: index, with: updated), replacing: node)
    }

    /// How many of `node`'s tokens the trajectory repeats from `position`,
    /// whose first token agrees already; spells them as the node does (one
    /// comparison of the texts, see `Trajectory.spell(as:...)`).
    private mutating func sharedTokenCount(_ node: Node, from position: Int) -> Int {
        let run = node.run
        let start = trajectory.textOffsets[position]
        let sameBytes = trajectory.text.withUnsafeBufferPointer { text in
            commonPrefixLength(run.textStart, text.baseAddress! + start, count: min(run.textCount, text.count - start))
        }
        let limit = min(run.count, trajectory.count - position) - 1
        let agreeing = node.agreeingCount(from: 1, with: trajectory, at: position + 1, limit: limit)
        return 1
            + trajectory.spell(
                as: run, from: 1, limit: agreeing, runOffset: trajectory.textLength(at: position), sameBytes: sameBytes,
                vocabulary: vocabulary)
    }

    /// New nodes for the trajectory's tokens from `position` on: one node per
    /// origin of generated tokens (prompt tokens join the node they are in),
    /// the last one ending the trajectory.
    private mutating func newBranch(from position: Int) throws(RadixCacheError) -> Node {
        try trajectory.spellRest(vocabulary: vocabulary)
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
