/// The registered workers, in registration order, and the policy that picks
/// among them.
public final class WorkerPool {
    public private(set) var workers: [Worker] = []
    /// Removed workers whose requests still run there: they count in
    /// `totalInFlight` until those finish.
    private var draining: [Worker] = []
    private var selector: WorkerSelector

    public init(policy: LoadBalancingPolicy) {
        selector = WorkerSelector(policy: policy)
    }

    public var policy: LoadBalancingPolicy { selector.policy }

    /// Adds a worker; adding one already present changes nothing.
    @discardableResult
    public func add(url: String) -> Worker {
        if let existing = worker(url: url) { return existing }
        let worker = Worker(url: url)
        workers.append(worker)
        return worker
    }

    /// Removes a worker; its in-flight requests finish normally.
    @discardableResult
    public func remove(url: String) -> Bool {
        guard let index = workers.firstIndex(where: { $0.url == url }) else { return false }
        let worker = workers.remove(at: index)
        worker.isRemoved = true
        if worker.inFlight > 0 { draining.append(worker) }
        return true
    }

    public func worker(url: String) -> Worker? {
        workers.first { $0.url == url }
    }

    public var availableWorkers: [Worker] { workers.filter(\.isAvailable) }

    public var totalInFlight: Int {
        workers.reduce(0) { $0 + $1.inFlight } + draining.reduce(0) { $0 + $1.inFlight }
    }

    /// A request was sent to `worker`.
    func requestStarted(at worker: Worker) {
        worker.inFlight += 1
        worker.totalRequests += 1
    }

    /// A request at `worker` ended; a removed worker leaves the pool with its last one.
    func requestEnded(at worker: Worker) {
        worker.inFlight -= 1
        if worker.isRemoved, worker.inFlight == 0 { draining.removeAll { $0 === worker } }
    }

    /// Picks a worker for a new request, skipping those in `excluded`
    /// (already tried for this request). A `preferred` worker is taken when
    /// it is a candidate and not overloaded; otherwise the policy picks.
    public func select(excluding excluded: Set<ObjectIdentifier> = [], preferring preferred: Worker? = nil,
                       thresholds: BalanceThresholds = .init()) -> Worker? {
        // The common case, every worker available and none excluded, picks
        // from the registry itself without building a candidate list.
        let candidates = excluded.isEmpty && workers.allSatisfy(\.isAvailable)
            ? workers
            : workers.filter { $0.isAvailable && !excluded.contains(ObjectIdentifier($0)) }
        if let preferred, candidates.contains(where: { $0 === preferred }) {
            let least = candidates.map(\.inFlight).min() ?? 0
            if !thresholds.isOverloaded(preferred, leastInFlight: least) {
                preferredHits += 1
                return preferred
            }
            preferredOverloaded += 1
        }
        return selector.pick(from: candidates)
    }

    /// Requests sent to their preferred worker, and those diverted because it was overloaded.
    public private(set) var preferredHits = 0
    public private(set) var preferredOverloaded = 0
}
