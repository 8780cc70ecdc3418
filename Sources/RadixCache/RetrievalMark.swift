import Synchronization

/// Whether a trainer has retrieved the trajectory ending at a node (see
/// `RadixCache.MatchOptions.marksRetrieved`). One mark is shared by a node
/// and every copy the writer makes of it (path copying), so a reader that
/// marks a node of the version it loaded marks the node that replaced it
/// too, however late: a mark copied by value could be read just before the
/// reader set it, and be lost. Set once, never cleared: a copy that must
/// start unmarked (a node where a trajectory now ends) gets a new mark.
final class RetrievalMark: Sendable {
    private let retrieved: Atomic<Bool>

    init(retrieved: Bool = false) {
        self.retrieved = Atomic(retrieved)
    }

    var isSet: Bool { retrieved.load(ordering: .relaxed) }

    /// Relaxed: readers of the mark (eviction, on the writer) need no order
    /// with anything else the reader did. Returns whether it was unset.
    @discardableResult
    func set() -> Bool {
        guard !isSet else { return false }
        retrieved.store(true, ordering: .relaxed)
        return true
    }

    /// What the ledger counts for one mark.
    static let footprint = heapObjectBytes(properties: MemoryLayout<Bool>.size)
}
