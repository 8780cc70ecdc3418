import EventLoop
import HTTPServer
import JSON
import Logging
import WorkerClient

/// Carries one client request through the middleware chain to a worker and
/// the answer back.
///
/// Non-streaming `POST /generate` answers (and any a middleware asks for)
/// are buffered: the router reads SGLang's finish reason and resends the
/// stored body after an abort or a worker error, to another worker when
/// there is one. Everything else is relayed piece by piece with
/// backpressure both ways. Before any of the answer reached the client, a
/// relayed request moves to a worker it has not tried, as nginx's
/// `proxy_next_upstream error` does: always when no connection was
/// made (nothing reached the worker), and when the connection broke only
/// if it is safe to send twice (an idempotent method, or `POST /generate`).
/// Other failures answer 502 (504 for a request timeout).
final class ProxyExchange {
    private let request: ProxiedRequest
    private let responder: HTTPResponder
    private let context: ProxyContext
    private var tried: Set<ObjectIdentifier> = []
    /// Workers that refused the connection: going round again skips them.
    private var refused: Set<ObjectIdentifier> = []
    private var attempts = 0
    /// The last failed attempt, until the next one starts: what the client
    /// gets if no worker can take the request again.
    private var lastFailure: FailedAttempt?
    /// The last answer a worker gave (an abort, a 5xx): what the client gets
    /// when the attempts after it end without an answer of their own.
    private var lastAnswer: ProxiedResponse?
    private var worker: Worker?
    private var transfer: (any UpstreamTransfer)?
    private var backoff: LoopTimer?
    private var isBuffered = false
    private var headRelayed = false
    /// A streamed `/generate` being relayed.
    private var streamWatch: GenerateStreamWatch?
    private var isDone = false
    private let startedAt = EventLoopClock.now()

    init(request: HTTPRequest, responder: HTTPResponder, context: ProxyContext) {
        self.request = ProxiedRequest(request)
        self.responder = responder
        self.context = context
    }

    private var isGenerate: Bool { request.method == "POST" && request.path == "/generate" }

    /// SGLang generation may be resent, as the buffered path does.
    private var maySendTwice: Bool { isGenerate || RetryPolicy.idempotentMethods.contains(request.method) }

    func start() {
        responder.onClientGone = { [self] in
            transfer?.cancel()
            transfer = nil
            backoff?.cancel()
            backoff = nil
            if !isBuffered, headRelayed { context.chain.streamEnded(for: request, succeeded: false, context: context.middlewareContext) {} }
            finish(outcome: "client_closed")
        }
        context.chain.prepare(request, context: context.middlewareContext) { [self] verdict in
            guard !isDone else { return }
            switch verdict {
            case .respond(let response):
                responder.send(response)
                finish(outcome: "answered_by_middleware")
            case .forward:
                decideBuffering { [self] in attempt() }
            }
        }
    }

    /// Buffers when a middleware asked, or for a non-streaming `/generate`.
    /// Whether it streams is known when a middleware read the body; else it
    /// is read here, off the loop for a large body.
    private func decideBuffering(then next: @escaping () -> Void) {
        guard !request.needsWholeResponse, isGenerate else {
            isBuffered = request.needsWholeResponse
            return next()
        }
        if let streams = request.streams {
            isBuffered = !streams
            return next()
        }
        let body = request.body
        JSONWork.run(on: context.loop, bodyBytes: body.count, {
            GenerateAnswer.asksToStream(body)
        }) { [self] (result: Result<Bool, Never>) in
            guard !isDone, case .success(let streams) = result else { return }
            isBuffered = !streams
            next()
        }
    }

    // MARK: choosing a worker

    private func attempt() {
        backoff = nil
        let candidate = context.pool.select(excluding: tried, preferring: request.preferredWorker, thresholds: context.balance)
            // After an abort or error every worker was tried: go round again.
            ?? (isBuffered && !tried.isEmpty
                ? context.pool.select(excluding: refused, preferring: nil, thresholds: context.balance) : nil)
        guard let worker = candidate else {
            guard let lastFailure else { return fail(503, "no healthy worker available") }
            return giveUp(lastFailure)
        }
        if let lastFailure {
            context.metrics.retries.increment(lastFailure.outcome.metricLabel)
            self.lastFailure = nil
        }
        attempts += 1
        tried.insert(ObjectIdentifier(worker))
        self.worker = worker
        request.servedBy = worker
        context.pool.requestStarted(at: worker)
        let upstream = UpstreamRequest(
            method: request.method, url: worker.url + request.target,
            headers: HopByHopHeaders.endToEnd(request.headers), body: request.body)
        transfer = isBuffered ? startBuffered(upstream) : startRelay(upstream)
    }

    // MARK: buffered answers, with retries

    private func startBuffered(_ upstream: UpstreamRequest) -> any UpstreamTransfer {
        var response = ProxiedResponse(status: 0, headers: [:], body: [])
        // Strong captures: the transfer keeps this exchange alive until done.
        return context.client.start(upstream, handlers: UpstreamHandlers(
            onHead: { status, headers in
                response.status = status
                response.headers = HTTPHeaders(HopByHopHeaders.endToEnd(headers))
            },
            onBody: { bytes in
                response.body.append(contentsOf: bytes)
                return true
            },
            onComplete: { [self] result in
                transfer = nil
                let served = worker
                releaseWorker()
                switch result {
                case .success: judge(response)
                case .failure(let error): attemptFailed(error, at: served)
                }
            }))
    }

    private func judge(_ response: ProxiedResponse) {
        if response.status >= 500 { request.servedBy?.errors += 1 }
        guard response.status >= 200, response.status < 300, isGenerate else {
            return response.status >= 500 ? retryOrGiveUp(.workerError("worker answered \(response.status)"), last: response)
                                           : deliver(response)
        }
        // A middleware that asked for the whole answer reads it as JSON: parse
        // it for them. Otherwise only an abort matters, which most bodies
        // cannot spell. Scanning and parsing both scale with the body: one
        // trip to the thread pool for large ones.
        let body = response.body, middlewareReadsJSON = request.needsWholeResponse
        JSONWork.run(on: context.loop, bodyBytes: body.count, {
            (json: middlewareReadsJSON || GenerateAnswer.mayBeAborted(body) ? try? JSONParser.parse(body) : nil,
             weightVersion: MetaInfoScan.weightVersion(in: body))
        }) { [self] (parsed: Result<(json: JSONValue?, weightVersion: String?), Never>) in
            guard !isDone, case .success(let (json, weightVersion)) = parsed else { return }
            if let weightVersion { request.servedBy?.weightVersion = weightVersion }
            var response = response
            response.json = json
            if let json, GenerateAnswer.isAborted(json) {
                context.metrics.aborts.increment("generate")
                retryOrGiveUp(.aborted, last: response)
            } else {
                deliver(response)
            }
        }
    }

    private func attemptFailed(_ error: UpstreamError, at worker: Worker?) {
        switch error {
        case .connectFailed(let message):
            worker?.errors += 1
            if let worker {
                context.health.recordFailure(worker)
                refused.insert(ObjectIdentifier(worker))
            }
            context.metrics.upstreamErrors.increment("connect")
            retryOrGiveUp(.refused(message), last: nil)
        case .timedOut(let message):
            worker?.errors += 1
            context.metrics.upstreamErrors.increment("timeout")
            retryOrGiveUp(.workerError(message), last: nil, status: 504)
        case .transport(let message):
            worker?.errors += 1
            context.metrics.upstreamErrors.increment("transport")
            retryOrGiveUp(.broken(message), last: nil)
        case .cancelled:
            break
        }
    }

    /// Sends the request again, or answers with the last thing the worker
    /// said once attempts run out.
    private func retryOrGiveUp(_ outcome: AttemptOutcome, last response: ProxiedResponse?, status: Int = 502) {
        let failure = FailedAttempt(outcome: outcome, response: response, status: status)
        if let response { lastAnswer = response }
        guard mayRetry(after: outcome), attempts < context.retry.maxAttempts else { return giveUp(failure) }
        lastFailure = failure
        // A relayed request only moves to a worker it has not tried: there
        // is nothing to wait for.
        if isBuffered, outcome.needsBackoff {
            backoff = context.loop.schedule(afterMilliseconds: context.retry.backoffMilliseconds) { [self] in attempt() }
        } else {
            attempt()
        }
    }

    /// Buffered requests are resent after any failure. A relayed one comes
    /// here only before its answer began, and moves on when nothing reached
    /// the worker or when the connection broke and the request may be sent
    /// twice; a timeout or another failure ends it.
    private func mayRetry(after outcome: AttemptOutcome) -> Bool {
        if isBuffered { return true }
        switch outcome {
        case .refused: return true
        case .broken: return maySendTwice
        case .aborted, .workerError: return false
        }
    }

    private func giveUp(_ failure: FailedAttempt) {
        if let response = failure.response ?? lastAnswer { return deliver(response) }
        switch failure.outcome {
        case .refused(let message): fail(502, "no worker accepted the connection: \(message)")
        case .workerError(let message), .broken(let message): fail(failure.status, message)
        case .aborted: fail(502, "worker gave no usable answer")
        }
    }

    private func deliver(_ response: ProxiedResponse) {
        context.chain.complete(response, for: request, context: context.middlewareContext) { [self] final in
            guard !isDone else { return }
            responder.send(HTTPResponse(status: final.status, headers: final.headers, body: final.body))
            finish(outcome: "ok")
        }
    }

    // MARK: streamed answers

    private func startRelay(_ upstream: UpstreamRequest) -> any UpstreamTransfer {
        context.client.start(upstream, handlers: UpstreamHandlers(
            onHead: { [self] status, headers in relayHead(status, headers) },
            onBody: { [self] bytes in relayBody(bytes) },
            onComplete: { [self] result in relayFinished(result) }))
    }

    private func relayHead(_ status: Int, _ headers: [(name: String, value: String)]) {
        headRelayed = true
        if status >= 500 { request.servedBy?.errors += 1 }
        if isGenerate { streamWatch = GenerateStreamWatch(startedAt: startedAt, metrics: context.metrics) }
        let isChunked = headers.contains { $0.name.equalsIgnoringASCIICase("transfer-encoding") }
        let declared = headers.first { $0.name.equalsIgnoringASCIICase("content-length") }
            .flatMap { Int($0.value.trimmingASCIISpaces()) }
        // A HEAD answer announces a length but carries no body.
        let contentLength = isChunked ? nil : (declared ?? (request.method == "HEAD" ? 0 : nil))
        responder.startStream(status: status, headers: HTTPHeaders(HopByHopHeaders.endToEnd(headers)),
                              contentLength: contentLength)
        responder.onWritable = { [weak self] in self?.transfer?.resume() }
    }

    private func relayBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        context.chain.observeStream(bytes, for: request, context: context.middlewareContext)
        streamWatch?.observe(bytes)
        responder.writeChunk(bytes)
        return !responder.isClientSlow
    }

    private func relayFinished(_ result: Result<Void, UpstreamError>) {
        transfer = nil
        switch result {
        case .success:
            if let worker { context.health.recordSuccess(worker) }
            streamWatch?.finished(at: worker)
            releaseWorker()
            // The stream's end reaches the client after the middlewares are
            // done with it: a trajectory is stored before the next turn can ask.
            context.chain.streamEnded(for: request, succeeded: true, context: context.middlewareContext) { [self] in
                guard !isDone else { return }
                responder.finishStream()
                finish(outcome: "ok")
            }
        case .failure(let error):
            let served = worker
            releaseWorker()
            guard !headRelayed else {
                responder.abortStream()
                context.chain.streamEnded(for: request, succeeded: false, context: context.middlewareContext) {}
                return finish(outcome: "upstream_broken")
            }
            attemptFailed(error, at: served)
        }
    }

    // MARK: ending

    private func fail(_ status: Int, _ message: String) {
        responder.send(.error(status, message))
        finish(outcome: "error")
    }

    private func releaseWorker() {
        if let worker { context.pool.requestEnded(at: worker) }
        worker = nil
    }

    private func finish(outcome: String) {
        guard !isDone else { return }
        isDone = true
        releaseWorker()
        responder.onClientGone = nil
        responder.onWritable = nil
        let seconds = EventLoopClock.seconds(since: startedAt)
        context.metrics.recordProxied(outcome: outcome, route: isGenerate ? "generate" : "proxy",
                                      worker: request.servedBy?.url, seconds: seconds)
        context.logger.debug("proxied", metadata: [
            "request_id": "\(request.headers[context.requestIDHeader] ?? "none")",
            "method": "\(request.method)", "target": "\(request.target)",
            "status": "\(responder.status.map(String.init) ?? "none")", "outcome": "\(outcome)",
            "worker": "\(request.servedBy?.url ?? "none")", "attempts": "\(attempts)",
            "ms": "\(Int((seconds * 1000).rounded()))",
        ])
    }
}

/// An attempt that failed, and what answers it if no other attempt follows.
private struct FailedAttempt {
    let outcome: AttemptOutcome
    /// What the worker answered (a 5xx, an abort), given back as it was.
    let response: ProxiedResponse?
    /// The status of the error answer when there is no response.
    let status: Int
}

extension AttemptOutcome {
    var metricLabel: String {
        switch self {
        case .aborted: "abort"
        case .workerError, .broken: "worker_error"
        case .refused: "connect"
        }
    }
}
