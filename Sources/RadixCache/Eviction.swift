/// Removes leaves until the tree is within its targets: first leaves whose
/// weight version is stale, then the least recently used. The leaf of the
/// insert that triggered it is never chosen, nor, when `keepsUnretrieved`,
/// a leaf ending a trajectory that was not retrieved and is not stale.
/// Removal is path copying, like an insert, so readers of earlier snapshots
/// keep their paths.
///
/// A parent left with one child is not merged with it: lookups stay exact
/// and the next divergence would split it again.
///
/// A reader marks only the last node of its match (see `Node.lastUsed`),
/// so a parent takes over the latest mark of the leaves removed under it:
/// once it is a leaf itself, it ranks by the last lookup that went through it.
/// It also takes over a removed leaf's `retrieved` mark: a retrieval of the
/// longer trajectory returned the parent's tokens too.
struct Eviction {
    let maxTokens: Int
    let maxBytes: Int
    /// Versions ranked below this are stale.
    let staleBelowRank: Int64
    /// The stamp of the insert that just happened.
    let protectedStamp: UInt64
    let keepsUnretrieved: Bool
    var ledger: Ledger
    private(set) var evictedNodes = 0
    private(set) var evictedTokens = 0
    /// Whether a leaf was passed over because it must be kept.
    private(set) var keptUnretrieved = false

    init(
        maxTokens: Int, maxBytes: Int, staleBelowRank: Int64, protectedStamp: UInt64, keepsUnretrieved: Bool,
        ledger: Ledger
    ) {
        self.maxTokens = maxTokens
        self.maxBytes = maxBytes
        self.staleBelowRank = staleBelowRank
        self.protectedStamp = protectedStamp
        self.keepsUnretrieved = keepsUnretrieved
        self.ledger = ledger
    }

    mutating func apply(to root: Node) -> Node {
        var root = root
        // Removing leaves can turn their parents into leaves: choose again.
        while isOverTarget(ledger.tokens, ledger.bytes) {
            let victims = chooseVictims(in: root)
            if victims.isEmpty { break }
            root = pruning(root, victims: victims)
        }
        return root
    }

    private func isOverTarget(_ tokens: Int, _ bytes: Int) -> Bool {
        tokens > maxTokens || bytes > maxBytes
    }

    /// Whether it may take none of `root`'s leaves.
    func keepsEveryLeaf(of root: Node) -> Bool {
        forEachLeaf(of: root) { leaf in leaf.stamp == protectedStamp || mustKeep(leaf) }
    }

    /// Calls `body` with each leaf under `root` while it returns true;
    /// returns whether it went through them all.
    private func forEachLeaf(of root: Node, _ body: (Node) -> Bool) -> Bool {
        var pending = root.children.map(\.node)
        while let node = pending.popLast() {
            if node.children.isEmpty {
                if !body(node) { return false }
            } else {
                pending.append(contentsOf: node.children.map(\.node))
            }
        }
        return true
    }

    private mutating func chooseVictims(in root: Node) -> Set<ObjectIdentifier> {
        var leaves: [Node] = []
        var kept = false
        _ = forEachLeaf(of: root) { node in
            if node.stamp == protectedStamp { return true }
            if mustKeep(node) {
                kept = true
            } else {
                leaves.append(node)
            }
            return true
        }
        keptUnretrieved = keptUnretrieved || kept
        let ordered = leaves.map {
            (
                node: $0, isStale: $0.versionRank < staleBelowRank,
                lastUsed: $0.lastUsed.load(ordering: .relaxed)
            )
        }
        .sorted { ($0.isStale ? 0 : 1, $0.lastUsed, $0.node.stamp) < ($1.isStale ? 0 : 1, $1.lastUsed, $1.node.stamp) }
        var victims = Set<ObjectIdentifier>()
        var tokens = ledger.tokens, bytes = ledger.bytes
        for leaf in ordered where isOverTarget(tokens, bytes) {
            victims.insert(ObjectIdentifier(leaf.node))
            tokens -= leaf.node.run.count
            bytes -= leaf.node.footprint
        }
        return victims
    }

    /// A trajectory the trainer has not fetched yet, from a version not stale.
    private func mustKeep(_ leaf: Node) -> Bool {
        keepsUnretrieved && leaf.isTerminal && !leaf.isRetrieved
            && leaf.versionRank >= staleBelowRank
    }

    private mutating func pruning(_ node: Node, victims: Set<ObjectIdentifier>) -> Node {
        var children: [Node.Child] = []
        var changed = false
        var lastUsed = node.lastUsed.load(ordering: .relaxed)
        var handedUpRetrieval = false
        for entry in node.children {
            let child = entry.node
            if victims.contains(ObjectIdentifier(child)) {
                ledger.remove(child)
                evictedNodes += 1
                evictedTokens += child.run.count
                lastUsed = max(lastUsed, child.lastUsed.load(ordering: .relaxed))
                handedUpRetrieval = handedUpRetrieval || child.isRetrieved
                changed = true
                continue
            }
            let pruned = child.children.isEmpty ? child : pruning(child, victims: victims)
            changed = changed || pruned !== child
            children.append(Node.Child(key: entry.key, node: pruned))
        }
        guard changed else { return node }
        // A mark is only ever set, so setting the one the copy shares is safe.
        if handedUpRetrieval { node.retrieval?.set() }
        let handedUp = handedUpRetrieval && node.retrieval == nil ? RetrievalMark(retrieved: true) : nil
        let copy = node.copy(children: ChildList(children), lastUsed: lastUsed, retrieval: handedUp)
        ledger.replace(node, with: copy)
        return copy
    }
}
