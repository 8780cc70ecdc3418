import WorkerClient

/// What a proxied exchange needs from the router.
struct ProxyContext {
    let pool: WorkerPool
    let client: WorkerClient
    let health: HealthChecker
    let metrics: RouterMetrics
}
