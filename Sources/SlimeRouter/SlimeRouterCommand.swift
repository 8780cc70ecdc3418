import ArgumentParser
import ChatTemplate
import EventLoop
import Glibc
import Logging
import Router
import WorkerClient

struct SlimeRouterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the router (the default: `slime-router FLAGS` means `slime-router serve FLAGS`).")

    @Option(name: [.customLong("host"), .customLong("sglang-router-ip")], help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: [.customLong("port"), .customLong("sglang-router-port")], help: "Port to listen on (0 picks a free one).")
    var port = 30000

    @Option(name: .customLong("worker-urls"), parsing: .upToNextOption, help: "Workers to start with (http://host:port ...).")
    var workerURLs: [String] = []

    @Option(help: "round-robin, least-inflight, power-of-two, random, or cache-aware (SGLang spellings such as round_robin work too).")
    var policy = "round-robin"

    @Option(help: "With --policy cache-aware: the policy used when no worker holds the prefix or it is overloaded.")
    var fallbackPolicy = "round-robin"

    @Option(help: "Cache-aware: a warm worker is overloaded when it has this many more in-flight requests than the least loaded...")
    var balanceAbsThreshold = 32

    @Option(help: "...and more than this many times as many.")
    var balanceRelThreshold = 1.5

    @OptionGroup var retry: RetryOptions

    @OptionGroup var circuitBreaker: CircuitBreakerOptions

    @OptionGroup var queue: QueueOptions

    @Option(help: "Radix cache budget in tokens.")
    var cacheMaxTokens = 10_000_000

    @Option(help: "Radix cache budget in megabytes.")
    var cacheMaxMb = 256

    @Option(help: "Cache entries more than this many weight versions old are evicted first when over budget.")
    var gcThresholdK = 5
    @Flag(
        help: ArgumentHelp(
            "Evict trajectories the trainer has not retrieved yet (plain LRU), for deployments that never retrieve.",
            discussion:
                "By default they are kept until retrieved or stale (older than the newest version minus k): a full cache then refuses new trajectories, counted and logged."
        ))
    var evictUnretrieved = false

    @Option(
        name: [.customLong("hf-checkpoint"), .customLong("tokenizer-path")],
        help: "Model directory holding tokenizer.json (used by the radix-tree middleware).")
    var tokenizerPath: String?

    @Option(
        name: .customLong("chat-template"),
        help: "A Jinja chat template file replacing the model's (with --hf-checkpoint); checked at start.")
    var chatTemplate: String?

    @Option(
        name: [.customLong("middleware"), .customLong("slime-router-middleware-paths")], parsing: .upToNextOption,
        help: "Middlewares, first sees the request first: short names (radix-tree) or the original's dotted paths.")
    var middlewares: [String] = []

    @Option(
        help: ArgumentHelp(
            "Clients must send Authorization: Bearer KEY (probes /health, /liveness, /readiness stay open).",
            discussion: "Better from the environment, out of `ps`: \(GatewayFlags.apiKeyVariable)."))
    var apiKey: String?

    @Option(
        help: ArgumentHelp(
            "Worker management (/add_worker, /remove_worker, /workers writes, /flush_cache and other worker controls) needs this key.",
            discussion: "Without it those need --api-key. Better from the environment: \(GatewayFlags.adminKeyVariable)."))
    var adminApiKey: String?

    @Option(
        parsing: .upToNextOption,
        help: "Headers a client's request id is taken from, in order; the first is the one sent to workers and back.")
    var requestIdHeaders: [String] = ["X-Request-ID"]

    @Option(help: "Connect timeout to workers, seconds.")
    var connectTimeout = 5.0

    @Option(help: "Whole-request timeout to workers, seconds (0 = none).")
    var requestTimeout = 0.0

    @Option(help: "Idle connections to workers kept for reuse, all workers together (connections in use do not count).")
    var maxIdleWorkerConnections = 2048

    @Option(help: "Open connections to one worker; requests beyond it wait for a free one (0 = no limit).")
    var maxConnectionsPerWorker = 0

    /// For tests and benchmarks: both clients must pass the same tests.
    @Option(help: .hidden)
    var workerClient = PlainHTTPClient.native

    @Option(
        help: "PEM file of the certificate authorities that https:// workers' certificates are checked against (default: the system's).")
    var workerCaFile: String?

    @Option(
        help:
            "Client connections open at once (nginx's worker_connections); a client beyond it gets a 503 at once. Default: half the open-file limit (worker connections need the other half)."
    )
    var maxConnections: Int?

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

    @Option(help: "Run the event loop alone on this CPU; background work (tokenizing, large JSON) uses the process's other CPUs.")
    var loopCPU: Int?

    @Option(
        help: "Milliseconds between the event-loop lag probe's wake-ups (slime_router_event_loop_lag_seconds), at most 1000; 0 = no probe.")
    var eventLoopLagIntervalMs = 10

    func validate() throws {
        guard RoutingPolicyName(parsing: policy) != nil else {
            throw ValidationError("unknown policy '\(policy)'; use one of \(RoutingPolicyName.known)")
        }
        guard RoutingPolicyName(parsing: fallbackPolicy) != nil else {
            throw ValidationError("unknown fallback policy '\(fallbackPolicy)'")
        }
        for name in middlewares where MiddlewareName(parsing: name) == nil {
            throw ValidationError("unknown middleware '\(name)'; known: \(MiddlewareName.known.joined(separator: ", "))")
        }
        _ = try GatewayFlags.keys(apiKey: apiKey, adminKey: adminApiKey)
        guard !requestIdHeaders.isEmpty, requestIdHeaders.allSatisfy(GatewayFlags.isHeaderName) else {
            throw ValidationError("--request-id-headers: give one or more header names")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        guard maxIdleWorkerConnections >= 1 else { throw ValidationError("--max-idle-worker-connections must be at least 1") }
        guard maxConnectionsPerWorker >= 0 else { throw ValidationError("--max-connections-per-worker must be 0 (no limit) or more") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
        // Beyond a second the probe says little of the loop, and stopping the
        // router waits out the probe's sleep.
        guard (0...1000).contains(eventLoopLagIntervalMs) else {
            throw ValidationError("--event-loop-lag-interval-ms must be 0 (no probe) to 1000")
        }
        guard (0...65535).contains(port) else { throw ValidationError("port must be 0...65535") }
        if let chatTemplate {
            // Nothing renders chats yet; loading now makes a bad template fail at start, not on the first chat.
            do { _ = try ModelDirectoryLoader.load(directory: tokenizerPath, templateFile: chatTemplate) } catch {
                throw ValidationError("--chat-template: \(error)")
            }
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "slime-router")
        let files = OpenFileLimit.raiseToHardLimit()
        if files.after > files.before {
            logger.info("open-file limit raised", metadata: ["from": "\(files.before)", "to": "\(files.after)"])
        }
        let loop = EventLoop()
        if let loopCPU {
            do { try loop.dedicateCPU(loopCPU) } catch { throw ValidationError("--loop-cpu: \(error)") }
        }
        let router: RouterServer
        var configuration = routerConfiguration()
        configuration.http.maxConnections = maxConnections ?? (files.after > 1 ? files.after / 2 : nil)
        configuration.keys = try GatewayFlags.keys(apiKey: apiKey, adminKey: adminApiKey)
        do { router = try RouterServer(loop: loop, configuration: configuration, logger: logger) } catch {
            throw ValidationError("\(error)")
        }
        // Watch for signals before announcing the port: a supervisor may
        // send SIGTERM as soon as it reads the line.
        var watchers: [SignalWatcher] = []
        for signal in [SIGINT, SIGTERM] {
            watchers.append(
                SignalWatcher(loop: loop, signal: signal) { signal in
                    logger.notice("shutting down", metadata: ["signal": "\(signal)"])
                    router.shutdown {
                        for watcher in watchers { watcher.close() }
                        loop.stop()
                    }
                })
        }
        let boundPort = try router.start()
        // Tests and scripts read this line to learn the port.
        print("slime-router listening on \(host):\(boundPort)")
        fflush(nil)
        logger.info("started", metadata: ["workers": "\(router.pool.workers.map(\.url))", "policy": "\(policy)"])
        loop.run()
    }

    private func routerConfiguration() -> RouterConfiguration {
        var configuration = RouterConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.workerURLs = workerURLs
        configuration.routing.policy = RoutingPolicyName(parsing: policy)!
        configuration.routing.fallback = RoutingPolicyName(parsing: fallbackPolicy)!
        configuration.routing.balance.absolute = balanceAbsThreshold
        configuration.routing.balance.relative = balanceRelThreshold
        configuration.retry = retry.policy
        configuration.circuitBreaker = circuitBreaker.configuration
        configuration.queue = queue.configuration
        configuration.requestIDHeaders = requestIdHeaders
        configuration.middlewares = middlewares.compactMap(MiddlewareName.init(parsing:))
        configuration.tokenizerPath = tokenizerPath
        configuration.cache.maxTokens = cacheMaxTokens
        configuration.cache.maxBytes = cacheMaxMb * 1_048_576
        configuration.cache.versionWindow = gcThresholdK
        configuration.cache.keepsUnretrieved = !evictUnretrieved
        configuration.client.connectTimeoutMilliseconds = Int(connectTimeout * 1000)
        configuration.client.requestTimeoutMilliseconds = Int(requestTimeout * 1000)
        configuration.client.maxIdleConnections = maxIdleWorkerConnections
        configuration.client.maxConnectionsPerWorker = maxConnectionsPerWorker
        configuration.client.plainHTTPClient = workerClient
        configuration.client.workerCAFile = workerCaFile
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
        configuration.loopLagProbeIntervalMilliseconds = UInt64(eventLoopLagIntervalMs)
        return configuration
    }
}

extension PlainHTTPClient: ExpressibleByArgument {}
