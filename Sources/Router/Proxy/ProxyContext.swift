import EventLoop
import Logging
import WorkerClient

/// What a proxied exchange needs from the router.
struct ProxyContext {
    let loop: EventLoop
    let pool: WorkerPool
    let client: WorkerClient
    let health: HealthChecker
    let metrics: RouterMetrics
    let chain: MiddlewareChain
    let retry: RetryPolicy
    let balance: BalanceThresholds
    let logger: Logger

    var middlewareContext: MiddlewareContext { MiddlewareContext(loop: loop, pool: pool) }
}
