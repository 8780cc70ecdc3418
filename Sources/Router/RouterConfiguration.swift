import HTTPServer
import RadixCache
import WorkerClient

/// Everything the router is started with.
public struct RouterConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 30000
    public var workerURLs: [String] = []
    public var policy = LoadBalancingPolicy.roundRobin
    /// Send a request to the worker that produced its cached prefix (needs
    /// the radix-tree middleware), unless that worker is overloaded.
    public var cacheAwareRouting = false
    public var balance = BalanceThresholds()
    public var http = HTTPServerConfiguration()
    public var client = WorkerClientConfiguration()
    public var health = HealthCheckConfiguration()
    public var retry = RetryPolicy()
    /// Bearer keys; none: every route open, as before.
    public var keys = AccessKeys()
    /// Headers a client's request id may come in, tried in order; the
    /// first is the one the router writes (to the worker and back).
    public var requestIDHeaders = ["X-Request-ID"]
    /// In command-line order: the first sees requests first.
    public var middlewares: [MiddlewareName] = []
    /// Model directory with tokenizer.json; required by the radix-tree middleware.
    public var tokenizerPath: String?
    public var cache = RadixCache.Configuration()
    /// How long in-flight requests may take to finish on SIGINT/SIGTERM.
    public var shutdownGracePeriodMilliseconds: UInt64 = 30_000

    public init() {}
}
