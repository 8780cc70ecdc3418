import EventLoop
import HTTPServer
import JSON
import Logging
import Tokenizer
import WorkerClient

/// The router on one event loop: its own endpoints, and every other request
/// relayed to a worker through the middleware chain.
public final class RouterServer {
    private let loop: EventLoop
    private let configuration: RouterConfiguration
    private let logger: Logger
    public let pool: WorkerPool
    private let client: WorkerClient
    private let health: HealthChecker
    private let metrics = RouterMetrics()
    private let lagMonitor: LoopLagMonitor
    private let chain: MiddlewareChain
    /// Present when the radix-tree middleware is on.
    private let tokens: TokenCache?
    private let proxyContext: ProxyContext
    private let requestIDs: RequestIDs
    private let accessControl: AccessControl
    private var server: HTTPServer?

    /// Fails when a middleware cannot be set up (no tokenizer for the radix tree).
    public init(loop: EventLoop, configuration: RouterConfiguration, logger: Logger) throws {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        let policy = try configuration.routing.makePolicy()
        pool = WorkerPool(policy: policy, circuitBreaker: configuration.circuitBreaker)
        client = WorkerClient(loop: loop, configuration: configuration.client)
        // Probes have connections of their own: queued behind requests that
        // hold every connection a worker may have, they would time out and
        // take a busy, healthy worker out of rotation.
        var probeConfiguration = configuration.client
        probeConfiguration.maxConnectionsPerWorker = 0
        let probes = WorkerClient(loop: loop, configuration: probeConfiguration)
        health = HealthChecker(pool: pool, client: probes, configuration: configuration.health, logger: logger)
        pool.onRemove = { [client] url in
            client.forget(workerURL: url)
            probes.forget(workerURL: url)
        }
        lagMonitor = LoopLagMonitor(registry: metrics.registry)
        tokens = try RouterServer.makeTokenCache(configuration, loop: loop, logger: logger)
        let setup = MiddlewareSetup(configuration: configuration, policy: policy, tokens: tokens)
        chain = MiddlewareChain(middlewares: try configuration.middlewares.compactMap { try $0.make(setup) })
        requestIDs = RequestIDs(headerNames: configuration.requestIDHeaders)
        accessControl = AccessControl(configuration.keys)
        proxyContext = ProxyContext(
            loop: loop, pool: pool, client: client, health: health, metrics: metrics, chain: chain,
            retry: configuration.retry, queue: configuration.queue, requestIDHeader: requestIDs.headerName, logger: logger)
        for url in configuration.workerURLs {
            if let normalized = normalizedWorkerURL(url) {
                pool.add(url: normalized)
            } else {
                logger.error("ignoring worker URL that is not http(s)", metadata: ["url": "\(url)"])
            }
        }
    }

    private static func makeTokenCache(_ configuration: RouterConfiguration, loop: EventLoop, logger: Logger) throws -> TokenCache? {
        guard configuration.middlewares.contains(where: \.needsTokenizer) else {
            if configuration.routing.policy == .cacheAware {
                throw RouterSetupError("cache-aware routing needs the radix-tree middleware (--middleware radix-tree)")
            }
            return nil
        }
        guard let path = configuration.tokenizerPath else {
            throw RouterSetupError(
                "the radix-tree middleware needs a tokenizer: pass --hf-checkpoint (or --tokenizer-path) with a directory holding tokenizer.json"
            )
        }
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer.load(directory: path) } catch {
            throw RouterSetupError("cannot load the tokenizer from \(path): \(error)")
        }
        return TokenCache(tokenizer: tokenizer, configuration: configuration.cache, loop: loop, logger: logger)
    }

    /// Starts listening and health checking; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        // The router owns its server: its handlers need no checked reference back.
        let server = HTTPServer(loop: loop, configuration: configuration.http) { [unowned(unsafe) self] request, responder in
            handle(request, responder)
        }
        if !configuration.keys.isEmpty {
            server.headCheck = { [unowned(unsafe) self] head in check(head) }
        }
        let port = try server.start(host: configuration.host, port: configuration.port)
        self.server = server
        if configuration.keys.isEmpty, !isLoopbackHost(configuration.host) {
            logger.warning(
                "no --api-key: anyone who can reach this address can generate and add or remove workers",
                metadata: ["host": "\(configuration.host)"])
        }
        health.start(loop: loop)
        lagMonitor.start(loop: loop, intervalMilliseconds: configuration.loopLagProbeIntervalMilliseconds)
        return port
    }

    /// Stops accepting, lets in-flight requests finish within the grace
    /// period, then calls `completion`.
    public func shutdown(completion: @escaping () -> Void) {
        health.stop()
        lagMonitor.stop()
        guard let server else { return completion() }
        server.shutdown(gracePeriodMilliseconds: configuration.shutdownGracePeriodMilliseconds, completion: completion)
    }

    /// The 401 for a request without the key it needs, decided at its head
    /// so that its body is never read (`HTTPServer.headCheck`). A
    /// request that may go on takes its route along to `handle`.
    private func check(_ head: HTTPRequest) -> HeadVerdict {
        let route = Route(path: head.path)
        guard var refusal = accessControl.refusal(of: head, route: route) else {
            return .proceed(classification: Route.classification(of: route))
        }
        var head = head
        let requestID = requestIDs.assign(to: &head)
        refusal.headers.add(requestIDs.headerName, requestID)
        let label = Self.label(of: route, path: head.path)
        metrics.requests.increment(label)
        metrics.unauthorized.increment(label)
        logger.debug(
            "refused",
            metadata: ["method": "\(head.method)", "target": "\(head.target)", "request_id": "\(requestID)"])
        return .refuse(refusal)
    }

    /// A request's `route` label in the metrics.
    private static func label(of route: Route?, path: Substring) -> String {
        route?.rawValue ?? (path == "/generate" ? "generate" : "proxy")
    }

    private func handle(_ request: consuming HTTPRequest, _ responder: HTTPResponder) {
        requestIDs.assign(to: &request)
        // The request's own line, picked out of its fields where each head is written.
        responder.carryOnEveryResponse(fieldsNamed: requestIDs.headerName, of: request.headers)
        let path = request.path
        // Found at the head already when keys are checked there.
        let route =
            if let classification = request.classification { Route(classification: classification) } else { Route(path: path) }
        let label = Self.label(of: route, path: path)
        metrics.requests.increment(label)
        guard let route else {
            return ProxyExchange(request: request, responder: responder, context: proxyContext).start()
        }
        guard route.allowedMethods.contains(request.method) else {
            var response = HTTPResponse.error(405, "\(request.method) is not allowed on \(path)")
            response.headers.add("Allow", route.allowedMethods.joined(separator: ", "))
            return responder.send(response)
        }
        let startedAt = EventLoopClock.now()
        respond(route, request) { [metrics] response in
            metrics.recordRequest(route: label, seconds: EventLoopClock.seconds(since: startedAt))
            responder.send(response)
        }
    }

    private func respond(_ route: Route, _ request: HTTPRequest, send: @escaping (HTTPResponse) -> Void) {
        let workers = WorkerEndpoints(pool: pool)
        switch route {
        case .addWorker: send(Result { () throws(ClientError) in try workers.add(request) }.answer)
        case .removeWorker: send(Result { () throws(ClientError) in try workers.remove(request) }.answer)
        case .listWorkers: send(workers.list())
        case .workers: send(Result { () throws(ClientError) in try WorkersAPI(pool: pool).respond(request) }.answer)
        case .abortRequest: proxyContext.aborts.respond(request, send: send)
        case .retrieveFromText:
            guard let tokens else {
                return send(.error(404, "/retrieve_from_text needs the radix-tree middleware (--middleware radix-tree)"))
            }
            RetrieveFromText(tokens: tokens).respond(request, loop: loop, send: send)
        case .metrics:
            send(
                MetricsEndpoint(
                    pool: pool, metrics: metrics, tokens: tokens, lagMonitor: lagMonitor,
                    server: server, cacheConfiguration: configuration.cache
                ).respond(request))
        case .health, .liveness:
            send(.json(200, Array(#"{"status":"ok"}"#.utf8)))
        case .readiness:
            let ready = !pool.availableWorkers.isEmpty
            send(
                .json(
                    ready ? 200 : 503,
                    JSONValue.object([
                        ("status", .string(ready ? "ready" : "no healthy workers")),
                        ("healthy_workers", .int(pool.availableWorkers.count)),
                    ]).serialized()))
        }
    }
}

/// A configuration the router cannot start with.
public struct RouterSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The router's own endpoints; every other path is proxied.
enum Route: String, CaseIterable {
    case addWorker = "add_worker"
    case removeWorker = "remove_worker"
    case listWorkers = "list_workers"
    case workers
    case abortRequest = "abort_request"
    case retrieveFromText = "retrieve_from_text"
    case metrics
    case health
    case liveness
    case readiness

    /// Decided on the path's bytes: every request asks, and most (the
    /// proxied ones) match nothing; a `String` switch would cost ten
    /// comparisons and a copy of the path.
    init?(path: Substring) {
        let match =
            path.utf8.withContiguousStorageIfAvailable(Self.match(at:))
            ?? Array(path.utf8).withUnsafeBufferPointer(Self.match(at:))
        switch match {
        case .exact(let route): self = route
        case .underWorkers where WorkersAPI.handles(path): self = .workers
        case .underWorkers, .none: return nil
        }
    }

    private enum Match {
        case exact(Route)
        /// Starts with `/workers`: the workers API's, if it names one of its paths.
        case underWorkers
        case none
    }

    /// Every route's own path, as bytes.
    private static let paths: [(bytes: [UInt8], route: Route)] = allCases.map { (Array("/\($0.rawValue)".utf8), $0) }

    /// Bit n set: some route's path is n bytes long. Most proxied paths are
    /// told apart by their length alone.
    private static let pathLengths: UInt64 = paths.reduce(0) { $0 | 1 << UInt64($1.bytes.count) }

    private static let workersPath = Array(WorkersAPI.path.utf8)

    private static func match(at path: UnsafeBufferPointer<UInt8>) -> Match {
        if path.count < 64, pathLengths & 1 << UInt64(path.count) != 0 {
            for entry in paths where entry.bytes.count == path.count && entry.bytes.elementsEqual(path) {
                return .exact(entry.route)
            }
        }
        return path.starts(with: workersPath) ? .underWorkers : .none
    }

    /// A request's route as the head check hands it to `handle`
    /// (`HTTPRequest.classification`): its place among the routes, or -1
    /// for a proxied request.
    static func classification(of route: Route?) -> Int {
        route.flatMap { byClassification.firstIndex(of: $0) } ?? -1
    }

    /// The route `classification(of:)` gave; nil for a proxied request.
    init?(classification: Int) {
        guard Self.byClassification.indices.contains(classification) else { return nil }
        self = Self.byClassification[classification]
    }

    private static let byClassification = allCases

    var allowedMethods: [String] {
        switch self {
        case .addWorker, .retrieveFromText, .abortRequest: ["POST"]
        case .removeWorker: ["POST", "DELETE"]
        case .listWorkers, .metrics, .health, .liveness, .readiness: ["GET", "HEAD"]
        case .workers: ["GET", "HEAD", "POST", "DELETE"]
        }
    }
}
