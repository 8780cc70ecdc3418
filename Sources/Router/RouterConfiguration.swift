import HTTPServer
import RadixCache
import WorkerClient

/// Everything the router is started with.
public struct RouterConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 30000
    public var workerURLs: [String] = []
    /// How a worker is chosen for each request (cache-aware needs the
    /// radix-tree middleware).
    public var routing = RoutingConfiguration()
    public var http = HTTPServerConfiguration()
    public var client = WorkerClientConfiguration()
    public var health = HealthCheckConfiguration()
    public var retry = RetryPolicy()
    public var circuitBreaker = CircuitBreakerConfiguration()
    public var queue = QueueConfiguration()
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
    /// How often the lag probe wakes the loop (`LoopLagMonitor`); 0: never.
    /// Each probe is a thread's wake-up and one of the loop, on the loop's
    /// core: at 1 ms they were about as many context switches as an RL
    /// workload's turns, so the default samples every 10 ms (Node.js's
    /// `monitorEventLoopDelay` default resolution too).
    public var loopLagProbeIntervalMilliseconds: UInt64 = 10
    /// How long in-flight requests may take to finish on SIGINT/SIGTERM.
    public var shutdownGracePeriodMilliseconds: UInt64 = 30_000

    public init() {
        // The HTTP server's own refusals (400, 413, 431, 503...) take the
        // router's JSON error shape too.
        http.errorResponse = HTTPResponse.error
    }
}
