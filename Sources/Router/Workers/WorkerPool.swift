/// The registered workers, in registration order, and the routing policy
/// that picks among them.
public final class WorkerPool {
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    @exclusivity(unchecked) public private(set) var workers: [Worker] = []
    /// Removed workers whose requests still run there: they count in
    /// `totalInFlight` until those finish.
    @exclusivity(unchecked) private var draining: [Worker] = []
    let policy: any RoutingPolicy
    /// Told each removed worker's URL (the router frees its connections).
    var onRemove: ((String) -> Void)?
    private let circuitBreaker: CircuitBreakerConfiguration

    init(policy: any RoutingPolicy, circuitBreaker: CircuitBreakerConfiguration = .init()) {
        self.policy = policy
        self.circuitBreaker = circuitBreaker
    }

    /// Adds a worker; adding one already present changes nothing.
    @discardableResult
    public func add(url: String) -> Worker {
        if let existing = worker(url: url) { return existing }
        let worker = Worker(url: url, circuitBreaker: circuitBreaker)
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
        onRemove?(url)
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
    /// (already tried for this request); nil when no worker is left. The
    /// policy chooses, told of the request's `preferred` worker if any.
    public func select(excluding excluded: Set<ObjectIdentifier> = [], preferring preferred: Worker? = nil) -> Worker? {
        // The common case, every worker available and none excluded, picks
        // from the registry itself without building a candidate list.
        let candidates =
            excluded.isEmpty && workers.allSatisfy(\.isAvailable)
            ? workers
            : workers.filter { $0.isAvailable && !excluded.contains(ObjectIdentifier($0)) }
        guard !candidates.isEmpty else { return nil }
        return policy.choose(among: candidates, preferring: preferred)
    }
}
