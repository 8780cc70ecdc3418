import Synchronization

/// Hands the newest immutable value from one writer to any number of readers
/// without locks, and frees a replaced value only once no reader can still
/// be using it.
///
/// A reader announces itself for as long as it uses a value (`read`), or
/// only while it takes its own strong reference (`load`). The writer does
/// not release a value it replaced until every reader that may have loaded
/// it has left. Readers are counted in one of two counters chosen by the
/// parity of `epoch` (two-epoch reclamation):
///
/// - reader: read `epoch` (e), add one to `readers[e % 2]`, read `epoch`
///   again; if it moved, undo and retry. Then load and use the value (or
///   retain it), then subtract one.
/// - writer: a replaced value goes to `retired`. When `retiring` is empty,
///   `retired` becomes `retiring` and `epoch` advances to e + 1. Values in
///   `retiring` are released once `readers[e % 2]` is seen at zero.
///
/// Why that is safe: a reader that loaded a replaced value V loaded it
/// before the exchange that retired V, so it passed its epoch check before
/// the epoch advanced past V's retirement. If it checked epoch e (the epoch
/// left when V moved to `retiring`), its increment precedes the advance in
/// the sequentially consistent order, so the writer's zero reading comes
/// after its decrement, hence after its last use. If it checked an earlier
/// epoch, the writer already saw that epoch's counter at zero before
/// advancing again, so the reader had already left. A reader whose epoch
/// moved under it retries and then loads the newer value. Readers never
/// wait for the writer; the writer never waits for readers: it frees what
/// it can at each publish. Since readers using `read` hold no reference of
/// their own, freeing a replaced version always falls to the writer.
final class SnapshotCell<Value: AnyObject & Sendable>: @unchecked Sendable {
    private let current: Atomic<Unmanaged<Value>>
    private let epoch = Atomic<UInt64>(0)
    /// Active readers per epoch parity: even epochs count in the low 32 bits, odd in the high.
    private let readers = Atomic<UInt64>(0)
    // Writer only: one thread at a time, so no dynamic exclusivity checks.
    @exclusivity(unchecked) private var retired: [Value] = []
    @exclusivity(unchecked) private var retiring: [Value] = []
    /// Whether a value in `retired`, in `retiring`, was published as large.
    @exclusivity(unchecked) private var retiredIsLarge = false
    @exclusivity(unchecked) private var retiringIsLarge = false

    /// More replaced values held than this (a reader slow to leave) may
    /// take long to free.
    static var quickFreeLimit: Int { 4 }

    init(_ value: Value) {
        current = Atomic(Unmanaged.passRetained(value))
    }

    deinit {
        current.load(ordering: .sequentiallyConsistent).release()
    }

    /// Calls `body` with the newest value, which stays alive until `body`
    /// returns without the reader retaining it. Any thread; lock-free.
    func read<Result>(_ body: (Value) -> Result) -> Result {
        let visit = enter()
        defer { leave(visit) }
        return current.load(ordering: .sequentiallyConsistent)._withUnsafeGuaranteedRef(body)
    }

    /// The newest value, retained for the caller. Any thread; lock-free.
    func load() -> Value {
        let visit = enter()
        let value = current.load(ordering: .sequentiallyConsistent).retain()
        leave(visit)
        return value.takeRetainedValue()
    }

    /// A reader counted in the epoch it entered.
    struct Visit {
        fileprivate let reader: UInt64
    }

    /// Counts a reader in the current epoch, retrying if the epoch turns
    /// meanwhile. Until `leave`, no value it could load is released.
    func enter() -> Visit {
        while true {
            let entered = epoch.load(ordering: .sequentiallyConsistent)
            let reader = Self.oneReader(in: entered)
            readers.wrappingAdd(reader, ordering: .sequentiallyConsistent)
            if epoch.load(ordering: .sequentiallyConsistent) == entered { return Visit(reader: reader) }
            readers.wrappingSubtract(reader, ordering: .sequentiallyConsistent)
        }
    }

    func leave(_ visit: Visit) {
        readers.wrappingSubtract(visit.reader, ordering: .sequentiallyConsistent)
    }

    /// Makes `value` the newest. `replacedIsLarge`: what the replaced
    /// value holds that `value` does not may take long to free (an
    /// eviction's nodes, a long run). Writer only.
    func publish(_ value: Value, replacedIsLarge: Bool = false) {
        let replaced = current.exchange(Unmanaged.passRetained(value), ordering: .sequentiallyConsistent)
        retired.append(replaced.takeRetainedValue())
        retiredIsLarge = retiredIsLarge || replacedIsLarge
        reclaim()
    }

    /// Whether the next `publish` may free something large (it frees
    /// replaced values no reader can still be using). Writer only.
    var mayFreeSlowly: Bool { retiredIsLarge || retiringIsLarge || heldCount > Self.quickFreeLimit }

    /// How many replaced values the writer still holds (for tests).
    var heldCount: Int { retired.count + retiring.count }

    private func reclaim() {
        let now = epoch.load(ordering: .sequentiallyConsistent)
        let previous = now &- 1
        let active = (readers.load(ordering: .sequentiallyConsistent) / Self.oneReader(in: previous)) & 0xFFFF_FFFF
        if !retiring.isEmpty, active == 0 {
            // Kept: the next publish appends to it again (the two swap).
            retiring.removeAll(keepingCapacity: true)
            retiringIsLarge = false
        }
        if retiring.isEmpty, !retired.isEmpty {
            swap(&retiring, &retired)
            swap(&retiringIsLarge, &retiredIsLarge)
            epoch.store(now &+ 1, ordering: .sequentiallyConsistent)
        }
    }

    private static func oneReader(in epoch: UInt64) -> UInt64 {
        epoch % 2 == 0 ? 1 : 1 << 32
    }
}
