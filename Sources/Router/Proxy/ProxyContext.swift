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
    /// Where the request's id is (Gateway/RequestIDs.swift), for log lines.
    let requestIDHeader: String
    let logger: Logger
    let middlewareContext: MiddlewareContext

    init(loop: EventLoop, pool: WorkerPool, client: any WorkerCalls, health: HealthChecker, metrics: RouterMetrics,
         chain: MiddlewareChain, retry: RetryPolicy, requestIDHeader: String, logger: Logger) {
        self.loop = loop
        self.pool = pool
        self.client = client
        self.health = health
        self.metrics = metrics
        self.chain = chain
        self.retry = retry
        self.requestIDHeader = requestIDHeader
        self.logger = logger
        middlewareContext = MiddlewareContext(loop: loop, pool: pool)
    }
}
