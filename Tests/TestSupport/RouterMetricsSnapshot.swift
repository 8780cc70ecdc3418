/// The `router` section of `GET /metrics`.
public struct RouterMetricsSnapshot {
    public var activeWorkers: Int
    public var workerLoads: [String: Int]
    public var totalInFlight: Int
    /// Requests sent again to a worker, every reason together.
    public var retries: Int

    public init(_ object: [String: Any]) throws {
        guard let router = object["router"] as? [String: Any],
            let active = router["active_workers"] as? Int,
            let loads = router["worker_loads"] as? [String: Int],
            let total = router["total_in_flight"] as? Int,
            let retries = router["retries"] as? Int
        else {
            throw FixtureError("unexpected /metrics shape: \(object)")
        }
        activeWorkers = active
        workerLoads = loads
        totalInFlight = total
        self.retries = retries
    }
}
