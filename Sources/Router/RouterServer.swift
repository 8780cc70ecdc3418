import EventLoop
import HTTPServer
import JSON
import Logging
import WorkerClient

/// The router on one event loop: its own endpoints, and every other request
/// relayed to a worker chosen by the load-balancing policy.
public final class RouterServer {
    private let loop: EventLoop
    private let configuration: RouterConfiguration
    private let logger: Logger
    public let pool: WorkerPool
    private let client: WorkerClient
    private let health: HealthChecker
    private let metrics = RouterMetrics()
    private var server: HTTPServer?

    public init(loop: EventLoop, configuration: RouterConfiguration, logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        pool = WorkerPool(policy: configuration.policy)
        client = WorkerClient(loop: loop, configuration: configuration.client)
        health = HealthChecker(pool: pool, client: client, configuration: configuration.health, logger: logger)
        for url in configuration.workerURLs {
            if let normalized = normalizedWorkerURL(url) { pool.add(url: normalized) }
            else { logger.error("ignoring worker URL that is not http(s)", metadata: ["url": "\(url)"]) }
        }
    }

    /// Starts listening and health checking; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        let server = HTTPServer(loop: loop, configuration: configuration.http) { [unowned self] request, responder in
            handle(request, responder)
        }
        let port = try server.start(host: configuration.host, port: configuration.port)
        self.server = server
        health.start(loop: loop)
        return port
    }

    /// Stops accepting, lets in-flight requests finish within the grace
    /// period, then calls `completion`.
    public func shutdown(completion: @escaping () -> Void) {
        health.stop()
        guard let server else { return completion() }
        server.shutdown(gracePeriodMilliseconds: configuration.shutdownGracePeriodMilliseconds, completion: completion)
    }

    private var proxyContext: ProxyContext {
        ProxyContext(pool: pool, client: client, health: health, metrics: metrics)
    }

    private func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let path = request.path
        guard let route = Route(path: path) else {
            metrics.requests.increment("proxy")
            return ProxyExchange(request: request, responder: responder, context: proxyContext).start()
        }
        metrics.requests.increment(route.rawValue)
        guard route.allowedMethods.contains(request.method) else {
            var response = HTTPResponse.error(405, "\(request.method) is not allowed on \(path)")
            response.headers.add("Allow", route.allowedMethods.joined(separator: ", "))
            return responder.send(response)
        }
        do {
            responder.send(try respond(route, request))
        } catch {
            responder.send(error.response)
        }
    }

    private func respond(_ route: Route, _ request: HTTPRequest) throws(ClientError) -> HTTPResponse {
        let workers = WorkerEndpoints(pool: pool)
        switch route {
        case .addWorker: return try workers.add(request)
        case .removeWorker: return try workers.remove(request)
        case .listWorkers: return workers.list()
        case .metrics: return MetricsEndpoint(pool: pool, metrics: metrics, server: { [weak self] in self?.server }).respond(request)
        case .health, .liveness:
            return .json(200, Array(#"{"status":"ok"}"#.utf8))
        case .readiness:
            let ready = !pool.availableWorkers.isEmpty
            return .json(ready ? 200 : 503, JSONValue.object([
                ("status", .string(ready ? "ready" : "no healthy workers")),
                ("healthy_workers", .int(pool.availableWorkers.count)),
            ]).serialized())
        }
    }
}

/// The router's own endpoints; every other path is proxied.
enum Route: String {
    case addWorker = "add_worker"
    case removeWorker = "remove_worker"
    case listWorkers = "list_workers"
    case metrics
    case health
    case liveness
    case readiness

    init?(path: Substring) {
        guard path.first == "/", let route = Route(rawValue: String(path.dropFirst())) else { return nil }
        self = route
    }

    var allowedMethods: [String] {
        switch self {
        case .addWorker: ["POST"]
        case .removeWorker: ["POST", "DELETE"]
        case .listWorkers, .metrics, .health, .liveness, .readiness: ["GET", "HEAD"]
        }
    }
}
