import EventLoop

/// An HTTP/1.1 server on one event loop: keep-alive, pipelining, chunked and
/// `Content-Length` bodies, `Expect: 100-continue`, size limits, read and idle
/// timeouts, and graceful shutdown.
public final class HTTPServer {
    /// The request is the handler's own (`consuming`): it may change it
    /// (a request id added, say) without copying its fields.
    public typealias Handler = (consuming HTTPRequest, HTTPResponder) -> Void

    let loop: EventLoop
    private let configuration: HTTPServerConfiguration
    private let handler: Handler
    private var listener: TCPListener?
    private var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
    private var sweepTimer: LoopTimer?
    private var shutdownCompletion: (() -> Void)?
    private var graceTimer: LoopTimer?
    /// Read for every request (`@exclusivity(unchecked)`: set once, on the
    /// loop thread, with no call in between).
    @exclusivity(unchecked) public private(set) var isShuttingDown = false
    /// The names the server answers to, known once it listens.
    @exclusivity(unchecked) private(set) var authority = ServerAuthority(port: 0, hosts: [])
    /// Decides at a request's head, before its body is read, whether to
    /// refuse it (e.g. a missing key: a client may not make the server read
    /// a large body only to be refused). A refusal goes out in turn, then
    /// the connection closes; a request let through reaches the handler
    /// with the check's classification (`HTTPRequest.classification`).
    /// Unchecked: set once at start, read for every request's head.
    @exclusivity(unchecked) public var headCheck: ((HTTPRequest) -> HeadVerdict)?
    /// Requests answered with an error before reaching the handler, by status.
    public private(set) var rejectedRequests: [Int: Int] = [:]

    public init(loop: EventLoop, configuration: HTTPServerConfiguration = .init(), handler: @escaping Handler) {
        self.loop = loop
        self.configuration = configuration
        self.handler = handler
    }

    public var connectionCount: Int { connections.count }
    /// Connections over `maxConnections` being answered 503 and closed.
    private var refusedOpenCount = 0
    /// Beyond this many refused connections still closing, more are closed
    /// without an answer: a flood must not hold descriptors while lingering.
    private static let maxRefusedOpen = 1024
    /// Connections accepted since `start`, closed ones included.
    public private(set) var acceptedConnectionCount = 0

    /// Starts listening; returns the bound port (useful with port 0).
    @discardableResult
    public func start(host: String, port: Int) throws -> Int {
        let listener = try TCPListener(loop: loop, host: host, port: port) { [unowned self] tcp in
            guard !isShuttingDown else { return tcp.close() }
            acceptedConnectionCount += 1
            if let limit = configuration.maxConnections, connections.count >= limit { return refuse(tcp) }
            let connection = HTTPServerConnection(tcp: tcp, server: self, configuration: configuration)
            connections[ObjectIdentifier(connection)] = connection
        }
        self.listener = listener
        authority = .listening(on: host, port: listener.port)
        let interval = max(
            50,
            min(
                1000,
                min(
                    configuration.requestReadTimeoutMilliseconds,
                    configuration.idleTimeoutMilliseconds) / 4))
        sweepTimer = loop.repeating(everyMilliseconds: interval) { [unowned self] in sweepTimeouts() }
        return listener.port
    }

    /// Answers 503 to a client over the connection limit without reading
    /// its request, then closes (lingering, so the answer is not lost).
    private func refuse(_ tcp: TCPConnection) {
        countRejected(status: 503)
        guard refusedOpenCount < Self.maxRefusedOpen else { return tcp.close() }
        refusedOpenCount += 1
        tcp.setHandlers(
            onRead: { _ in }, onEnd: { [unowned tcp] _ in tcp.close() }, onDrained: {},
            onClosed: { [weak self] in self?.refusedOpenCount -= 1 })
        tcp.write(overCapacityAnswer)
        tcp.closeAfterWrites(lingerMilliseconds: configuration.lingerMilliseconds)
    }

    private lazy var overCapacityAnswer: [UInt8] = {
        let response = configuration.errorResponse(503, "too many client connections (at most \(configuration.maxConnections ?? 0))")
        return ResponseHead.bytes(
            status: 503, headers: response.headers, contentLength: response.body.count,
            keepAlive: false) + response.body
    }()

    func handle(_ request: consuming HTTPRequest, _ responder: HTTPResponder) {
        handler(consume request, responder)
    }

    func countRejected(status: Int) {
        rejectedRequests[status, default: 0] += 1
    }

    func connectionClosed(_ connection: HTTPServerConnection) {
        connections[ObjectIdentifier(connection)] = nil
        if isShuttingDown, connections.isEmpty { finishShutdown() }
    }

    /// One timer for all connections: cheaper than a timer each, at the cost
    /// of firing up to a quarter of the timeout late.
    private func sweepTimeouts() {
        let now = loop.now
        for connection in connections.values {
            if connection.isMidRequest,
                now &- connection.requestStartedAt > configuration.requestReadTimeoutMilliseconds
            {
                countRejected(status: 408)
                connection.timeOutRequest()
            } else if connection.isIdle || connection.hasUnreadAnswers {
                // An idle keep-alive connection, or a client that stopped
                // reading its answers (nginx's keepalive and send timeouts).
                connection.noteWriteProgress()
                if now &- connection.lastActivityAt > configuration.idleTimeoutMilliseconds { connection.close() }
            }
        }
    }

    /// Stops accepting, lets requests in progress finish for up to
    /// `gracePeriodMilliseconds`, then closes everything and calls `completion`.
    public func shutdown(gracePeriodMilliseconds: UInt64, completion: @escaping () -> Void) {
        guard !isShuttingDown else { return }
        isShuttingDown = true
        shutdownCompletion = completion
        listener?.close()
        listener = nil
        for connection in connections.values where connection.isIdle { connection.close() }
        if connections.isEmpty { return finishShutdown() }
        graceTimer = loop.schedule(afterMilliseconds: gracePeriodMilliseconds) { [unowned self] in
            graceTimer = nil
            for connection in connections.values { connection.close() }
            finishShutdown()
        }
    }

    private func finishShutdown() {
        sweepTimer?.cancel()
        sweepTimer = nil
        graceTimer?.cancel()
        graceTimer = nil
        let completion = shutdownCompletion
        shutdownCompletion = nil
        completion?()
    }
}
