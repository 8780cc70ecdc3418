import HTTPServer
import WorkerClient

/// Everything the router is started with.
public struct RouterConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 30000
    public var workerURLs: [String] = []
    public var policy = LoadBalancingPolicy.roundRobin
    public var http = HTTPServerConfiguration()
    public var client = WorkerClientConfiguration()
    public var health = HealthCheckConfiguration()
    /// How long in-flight requests may take to finish on SIGINT/SIGTERM.
    public var shutdownGracePeriodMilliseconds: UInt64 = 30_000

    public init() {}
}
