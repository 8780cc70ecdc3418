/// One published version of the cache: a tree no one changes any more, and
/// the writer's counts for it.
final class Snapshot: Sendable {
    let root: Node
    let ledger: Ledger
    /// The stamp of the latest insert; a reader marks the last node of its match as used after it.
    let clock: UInt64
    let evictedNodes: Int
    let evictedTokens: Int

    init(root: Node, ledger: Ledger, clock: UInt64, evictedNodes: Int, evictedTokens: Int) {
        self.root = root
        self.ledger = ledger
        self.clock = clock
        self.evictedNodes = evictedNodes
        self.evictedTokens = evictedTokens
    }

    static func empty() -> Snapshot {
        let root = Node.root()
        return Snapshot(root: root, ledger: .counting(root), clock: 0, evictedNodes: 0, evictedTokens: 0)
    }
}
