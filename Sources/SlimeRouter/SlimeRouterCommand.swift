import ArgumentParser
import EventLoop
import Glibc
import Logging
import Router

@main
struct SlimeRouterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slime-router",
        abstract: "Front proxy for SGLang workers that keeps the exact tokens of RL rollouts.")

    @Option(name: [.customLong("host"), .customLong("sglang-router-ip")], help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: [.customLong("port"), .customLong("sglang-router-port")], help: "Port to listen on (0 picks a free one).")
    var port = 30000

    @Option(name: .customLong("worker-urls"), parsing: .upToNextOption, help: "Workers to start with (http://host:port ...).")
    var workerURLs: [String] = []

    @Option(help: "round-robin, least-inflight, power-of-two or random (SGLang spellings such as round_robin work too).")
    var policy = "round-robin"

    @Option(name: [.customLong("hf-checkpoint"), .customLong("tokenizer-path")],
            help: "Model directory holding tokenizer.json (used by the radix-tree middleware).")
    var tokenizerPath: String?

    @Option(name: [.customLong("middleware"), .customLong("slime-router-middleware-paths")], parsing: .upToNextOption,
            help: "Middlewares, first sees the request first: short names (radix-tree) or the original's dotted paths.")
    var middlewares: [String] = []

    @Option(help: "Connect timeout to workers, seconds.")
    var connectTimeout = 5.0

    @Option(help: "Whole-request timeout to workers, seconds (0 = none).")
    var requestTimeout = 0.0

    @Option(help: "Largest accepted request body, bytes.")
    var maxBodySize = 64 * 1024 * 1024

    @Option(help: "Largest accepted request head (line plus headers), bytes.")
    var maxHeaderSize = 64 * 1024

    @Option(help: "Time a client may take to send a whole request, seconds.")
    var requestReadTimeout = 60.0

    @Option(help: "Idle keep-alive connections are closed after this, seconds.")
    var idleTimeout = 75.0

    @Option(help: "Seconds between worker health checks.")
    var healthCheckInterval = 10.0

    @Option(help: "Health check timeout, seconds.")
    var healthCheckTimeout = 5.0

    @Option(help: "Consecutive failures that take a worker out of rotation.")
    var healthFailureThreshold = 3

    @Option(help: "Consecutive successful checks that bring it back.")
    var healthSuccessThreshold = 2

    @Flag(help: "Do not probe workers.")
    var disableHealthCheck = false

    @Option(help: "On SIGINT/SIGTERM, time in-flight requests get to finish, seconds.")
    var shutdownGracePeriod = 30.0

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard LoadBalancingPolicy(name: policy) != nil else {
            throw ValidationError("unknown policy '\(policy)'; use one of \(LoadBalancingPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
        guard (0...65535).contains(port) else { throw ValidationError("port must be 0...65535") }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "slime-router")
        let loop = EventLoop()
        let router = RouterServer(loop: loop, configuration: routerConfiguration(), logger: logger)
        let boundPort = try router.start()
        // Tests and scripts read this line to learn the port.
        print("slime-router listening on \(host):\(boundPort)")
        fflush(nil)
        logger.info("started", metadata: ["workers": "\(router.pool.workers.map(\.url))", "policy": "\(policy)"])

        var watchers: [SignalWatcher] = []
        for signal in [SIGINT, SIGTERM] {
            watchers.append(SignalWatcher(loop: loop, signal: signal) { signal in
                logger.notice("shutting down", metadata: ["signal": "\(signal)"])
                router.shutdown {
                    for watcher in watchers { watcher.close() }
                    loop.stop()
                }
            })
        }
        loop.run()
    }

    private func routerConfiguration() -> RouterConfiguration {
        var configuration = RouterConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.workerURLs = workerURLs
        configuration.policy = LoadBalancingPolicy(name: policy)!
        configuration.client.connectTimeoutMilliseconds = Int(connectTimeout * 1000)
        configuration.client.requestTimeoutMilliseconds = Int(requestTimeout * 1000)
        configuration.http.maxBodyBytes = maxBodySize
        configuration.http.maxHeaderBytes = maxHeaderSize
        configuration.http.requestReadTimeoutMilliseconds = UInt64(requestReadTimeout * 1000)
        configuration.http.idleTimeoutMilliseconds = UInt64(idleTimeout * 1000)
        configuration.health.isEnabled = !disableHealthCheck
        configuration.health.intervalMilliseconds = UInt64(healthCheckInterval * 1000)
        configuration.health.timeoutMilliseconds = Int(healthCheckTimeout * 1000)
        configuration.health.failureThreshold = healthFailureThreshold
        configuration.health.successThreshold = healthSuccessThreshold
        configuration.shutdownGracePeriodMilliseconds = UInt64(shutdownGracePeriod * 1000)
        return configuration
    }
}
