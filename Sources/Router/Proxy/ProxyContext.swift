import EventLoop
import Logging
import WorkerClient

/// What a proxied exchange needs from the router: made once, shared by
/// every exchange (one reference to hold instead of one per part).
final class ProxyContext {
    let loop: EventLoop
    let pool: WorkerPool
    let client: any WorkerCalls
    let health: HealthChecker
    let metrics: RouterMetrics
    let chain: MiddlewareChain
    let retry: RetryPolicy
    let waitingRoom: WaitingRoom
    /// Which worker runs each named generation, for `/abort_request`.
    let inFlightRids = InFlightRids()
    let aborts: AbortRequest
    /// Where the request's id is (Gateway/RequestIDs.swift), for log lines.
    let requestIDHeader: String
    let logger: Logger
    /// Whether each exchange's debug line is written: the logger is a copy
    /// whose level never changes, and asking it copies its handler (about
    /// 200 instructions per request, for a line seldom wanted).
    let logsExchanges: Bool
    let middlewareContext: MiddlewareContext
    private var localResourcesWarning = RateLimitedWarning(intervalNanoseconds: 10_000_000_000)

    init(
        loop: EventLoop, pool: WorkerPool, client: any WorkerCalls, health: HealthChecker, metrics: RouterMetrics,
        chain: MiddlewareChain, retry: RetryPolicy, queue: QueueConfiguration = .init(), requestIDHeader: String,
        logger: Logger
    ) {
        self.loop = loop
        self.pool = pool
        self.client = client
        self.health = health
        self.metrics = metrics
        self.chain = chain
        self.retry = retry
        waitingRoom = WaitingRoom(loop: loop, configuration: queue, metrics: metrics)
        aborts = AbortRequest(pool: pool, rids: inFlightRids, client: client, metrics: metrics)
        self.requestIDHeader = requestIDHeader
        self.logger = logger
        logsExchanges = logger.logLevel <= .debug
        middlewareContext = MiddlewareContext(loop: loop, pool: pool)
    }

    /// Says that requests are shed because the router ran out of
    /// descriptors, local ports or buffers connecting to a worker: once per
    /// interval with what ran out, since under that load it happens by the thousand.
    func logLocalExhaustion(_ message: String) {
        guard let unsaid = localResourcesWarning.shouldWarn(now: EventLoop.monotonicNanoseconds()) else { return }
        logger.error(
            "router ran out of local resources opening worker connections; requests shed with 503, workers not marked unhealthy",
            metadata: [
                "cause": "\(message)", "shed_since_last_report": "\(unsaid + 1)",
                "remedy": "raise the open-file limit (ulimit -n) or lower client concurrency",
            ])
    }
}
