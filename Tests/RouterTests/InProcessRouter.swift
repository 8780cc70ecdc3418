import EventLoop
import HTTPServer
import Logging
import WorkerClient
@testable import Router

/// Runs whole proxied exchanges in process, in the spirit of hummingbird's
/// `HummingbirdTesting`: the real `ProxyExchange`, pool, health, metrics and
/// middleware chain, with a scripted upstream in place of the worker client
/// and a recording answer in place of the client connection. No socket is
/// opened and no process started; the loop only runs when a test asks
/// (for a retry's backoff).
final class InProcessRouter {
    let loop = EventLoop()
    let pool: WorkerPool
    let upstream = ScriptedUpstream()
    let metrics = RouterMetrics()
    let health: HealthChecker
    private let context: ProxyContext

    /// `circuitFailures`: worker failures that open its circuit (the default's 5 otherwise).
    init(
        workers: [String] = ["http://a", "http://b"], middlewares: [any Middleware] = [], maxAttempts: Int = 5,
        circuitFailures: Int? = nil, queue: QueueConfiguration = .init()
    ) {
        var circuitBreaker = CircuitBreakerConfiguration()
        if let circuitFailures { circuitBreaker.failureThreshold = circuitFailures }
        pool = WorkerPool(policy: LeastInFlightPolicy(), circuitBreaker: circuitBreaker)
        let logger = Logger(label: "in-process-router")
        // Probes are never started: only the proxy's reports reach it.
        health = HealthChecker(pool: pool, client: WorkerClient(loop: loop), configuration: .init(), logger: logger)
        var retry = RetryPolicy()
        retry.maxAttempts = maxAttempts
        retry.initialBackoffMilliseconds = 0
        context = ProxyContext(
            loop: loop, pool: pool, client: upstream, health: health, metrics: metrics,
            chain: MiddlewareChain(middlewares: middlewares), retry: retry, queue: queue, requestIDHeader: "X-Request-ID",
            logger: logger)
        for url in workers { pool.add(url: url) }
    }

    /// Starts an exchange; its answer fills in as the upstream is scripted.
    @discardableResult
    func send(_ method: String, _ target: String, body: String = "") -> RecordingAnswer {
        let answer = RecordingAnswer()
        ProxyExchange(
            request: HTTPRequest(method: method, target: target, body: Array(body.utf8)),
            responder: answer, context: context
        ).start()
        return answer
    }

    /// Runs the loop until the upstream has seen `count` calls in all (a
    /// retry waits for its backoff, 0 ms here, on a loop timer).
    func runUntilCalls(_ count: Int) {
        var rounds = 0
        while upstream.calls.count < count, rounds < 10_000 {
            loop.runOnce()
            rounds += 1
        }
    }

    /// Runs the loop until `condition` holds (timers: a queue's timeout, its tick).
    func runUntil(_ condition: () -> Bool) {
        var rounds = 0
        while !condition(), rounds < 50_000_000 {
            loop.runOnce()
            rounds += 1
        }
    }

    func inFlight(_ url: String) -> Int? { pool.worker(url: url)?.inFlight }

    var aborts: AbortRequest { context.aborts }
}

/// Worker calls that happen when a test says so.
final class ScriptedUpstream: WorkerCalls {
    private(set) var calls: [ScriptedCall] = []

    var last: ScriptedCall { calls[calls.count - 1] }

    func start(_ request: UpstreamRequest, handlers: UpstreamHandlers) -> any UpstreamTransfer {
        let call = ScriptedCall(request: request, handlers: handlers)
        calls.append(call)
        return call
    }
}

/// One worker call: the test plays the worker's part.
final class ScriptedCall: UpstreamTransfer {
    let request: UpstreamRequest
    private let handlers: UpstreamHandlers
    private(set) var isCancelled = false
    private(set) var resumed = 0

    init(request: UpstreamRequest, handlers: UpstreamHandlers) {
        self.request = request
        self.handlers = handlers
    }

    func resume() { resumed += 1 }
    func cancel() { isCancelled = true }

    func head(_ status: Int, _ headers: [(name: String, value: String)] = []) {
        handlers.onHead(status, HTTPHeaders(headers))
    }

    /// A piece of the body; returns whether the caller wants more now.
    @discardableResult
    func body(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { handlers.onBody($0) }
    }

    func complete() { handlers.onComplete(.success(())) }
    func fail(_ error: UpstreamError) { handlers.onComplete(.failure(error)) }

    /// A whole answer with its length.
    func answer(_ status: Int, _ text: String) {
        head(status, [("Content-Length", "\(text.utf8.count)"), ("Content-Type", "application/json")])
        body(text)
        complete()
    }
}

/// The client's side: what the router answered, whole or streamed.
final class RecordingAnswer: ClientAnswer {
    var onClientGone: (() -> Void)?
    var onWritable: (() -> Void)?
    var isClientSlow = false
    private(set) var status: Int?
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    /// The length a stream announced (nil: chunked).
    private(set) var streamLength: Int??
    private(set) var ending: Ending?

    enum Ending: Equatable { case sent, finished, aborted }

    var text: String { String(decoding: body, as: UTF8.self) }

    func send(_ response: HTTPResponse) {
        status = response.status
        headers = response.headers
        body = response.body
        ending = .sent
    }

    func startStream(status: Int, headers: HTTPHeaders, contentLength: Int?) {
        self.status = status
        self.headers = headers
        streamLength = .some(contentLength)
    }

    func writeChunk(_ bytes: UnsafeRawBufferPointer) { body += bytes }
    func finishStream() { ending = .finished }
    func abortStream() { ending = .aborted }

    /// The client closes its connection.
    func leave() {
        let gone = onClientGone
        onClientGone = nil
        gone?()
    }
}
