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
    /// Runs of more tokens than this are not split: the insertion stops
    /// instead (`InsertionStop.wouldSplitLongRun`). Nil: any run is.
    let splitLimit: Int?
    /// Whether a run longer than `RadixCache.quickSplitLimit` was split:
    /// freeing the version this insertion replaces frees that run.
    private(set) var splitLongRun = false

    /// The new root, with the trajectory stored and every node on its path
    /// raised to its version and stamped. Throws if the tokens do not spell
    /// the text, or a run to split is over `splitLimit`; the tree is then
    /// unchanged.
    mutating func apply(to root: Node) throws(InsertionStop) -> Node {
        try descend(root, from: 0)
    }

    /// `node`'s run matches the trajectory up to `position`; returns the node
    /// that replaces it (one copy, whatever changes below it).
    private mutating func descend(_ node: Node, from position: Int) throws(InsertionStop) -> Node {
        let (children, endsHere) = try storing(below: node.children, from: position)
        let touched = node.copy(
            children: children, versionRank: max(node.versionRank, trajectory.version.rank), stamp: stamp,
            isTerminal: node.isTerminal || endsHere, lastUsed: Node.usedByInsert(stamp),
            retrieval: endsHere && !node.isTerminal ? RetrievalMark() : nil)
        ledger.replace(node, withCopy: touched)
        return touched
    }

    /// Stores the trajectory from `position` on below a node whose run it
    /// has gone through, among `children`: returns the children that replace
    /// them (nil when the trajectory ends there), and whether it ends there.
    private mutating func storing(
        below children: ChildList, from position: Int
    ) throws(InsertionStop) -> (children: ChildList?, endsHere: Bool) {
        guard position < trajectory.count else {
            try InsertionStop.refusing { () throws(RadixCacheError) in try trajectory.checkSpelledWhole() }
            return (nil, true)
        }
        try InsertionStop.refusing { () throws(RadixCacheError) in
            try trajectory.spell(through: position, vocabulary: vocabulary)
        }
        let key = trajectory.withText {
            ChildKey.of($0.baseAddress! + trajectory.textOffsets[position], length: trajectory.textLength(at: position))
        }
        // The key holds the first token's length (0: omitted from the text),
        // so a child under it with the same first token spells it as the
        // trajectory does. The child's tokens are compared as far as they
        // agree at once: the one found is gone through that far.
        var agreeing = 0
        let found = children.index(key: key) { node in
            let limit = min(node.run.count, trajectory.count - position)
            agreeing = node.agreeingCount(from: 0, with: trajectory, at: position, limit: limit)
            return agreeing > 0
        }
        guard let index = found else {
            let branch = try newBranch(from: position)
            return (children.adding(Node.Child(key: branch.key, node: branch)), false)
        }
        let child = children[index].node
        let shared = sharedTokenCount(child, from: position, agreeing: agreeing)
        let updated =
            shared < child.run.count
            ? try split(child, at: shared, from: position + shared) : try descend(child, from: position + shared)
        return (children.replacing(at: index, with: updated), false)
    }

    /// How many of `node`'s tokens the trajectory repeats from `position`,
    /// of the `agreeing` (at least one) whose values and origins agree;
    /// spells them as the node does (one comparison of the texts, see
    /// `Trajectory.spell(as:...)`), all at once where it repeats a plain run
    /// whole (`Trajectory.spell(wholeRun:)`).
    private mutating func sharedTokenCount(_ node: Node, from position: Int, agreeing: Int) -> Int {
        let run = node.run
        let start = trajectory.textOffsets[position]
        let sameBytes = trajectory.withText { text in
            commonPrefixLength(run.textStart, text.baseAddress! + start, count: min(run.textCount, text.count - start))
        }
        if agreeing == run.count, sameBytes == run.textCount, run.isPlain {
            trajectory.spell(wholeRun: run)
            return run.count
        }
        return 1
            + trajectory.spell(
                as: run, from: 1, limit: agreeing - 1, runOffset: trajectory.textLength(at: position), sameBytes: sameBytes,
                vocabulary: vocabulary)
    }

    /// New nodes for the trajectory's tokens from `position` on: one node per
    /// origin of generated tokens (prompt tokens join the node they are in),
    /// the last one ending the trajectory.
    private mutating func newBranch(from position: Int) throws(InsertionStop) -> Node {
        try InsertionStop.refusing { () throws(RadixCacheError) in try trajectory.spellRest(vocabulary: vocabulary) }
        let segments = trajectory.originStretches(from: position)
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

    /// Cuts `node` after `count` tokens, where the trajectory, at
    /// `position`, leaves it: returns the upper half, whose children are the
    /// lower half (which keeps the node's children and terminal mark) and
    /// the rest of the trajectory.
    private mutating func split(_ node: Node, at count: Int, from position: Int) throws(InsertionStop) -> Node {
        if let splitLimit, node.run.count > splitLimit { throw .wouldSplitLongRun }
        splitLongRun = splitLongRun || node.run.count > RadixCache.quickSplitLimit
        let lower = node.copy(run: node.run.slice(count..<node.run.count, vocabulary: vocabulary))
        let onlyLower = ChildList([Node.Child(key: lower.key, node: lower)])
        let (children, endsHere) = try storing(below: onlyLower, from: position)
        let upper = Node(
            run: node.run.slice(0..<count, vocabulary: vocabulary), children: children ?? onlyLower,
            versionRank: max(node.versionRank, trajectory.version.rank), origin: node.origin, stamp: stamp,
            isTerminal: endsHere, lastUsed: Node.usedByInsert(stamp))
        ledger.replace(node, with: lower)
        ledger.add(upper)
        return upper
    }
}

/// Why an insertion stopped before its end; the tree is unchanged.
enum InsertionStop: Error {
    /// The trajectory is refused.
    case refused(RadixCacheError)
    /// It would split a run over the insertion's `splitLimit`.
    case wouldSplitLongRun

    /// Runs `body`, its refusal becoming the insertion's stop.
    static func refusing(_ body: () throws(RadixCacheError) -> Void) throws(InsertionStop) {
        do { try body() } catch { throw .refused(error) }
    }
}
