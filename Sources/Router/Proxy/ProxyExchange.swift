import HTTPServer
import WorkerClient

/// Relays one client request to a worker and the worker's answer back, piece
/// by piece, with backpressure both ways. A connection failure before the
/// worker answered anything moves the request to another worker.
final class ProxyExchange {
    private let request: HTTPRequest
    private let responder: HTTPResponder
    private let context: ProxyContext
    private var tried: Set<ObjectIdentifier> = []
    private var worker: Worker?
    private var transfer: UpstreamTransfer?
    private var answered = false
    private var released = false
    private let startedAt = EventLoopClock.now()

    init(request: HTTPRequest, responder: HTTPResponder, context: ProxyContext) {
        self.request = request
        self.responder = responder
        self.context = context
    }

    func start() {
        responder.onClientGone = { [self] in
            transfer?.cancel()
            transfer = nil
            release(outcome: "client_closed")
        }
        attempt()
    }

    private func attempt() {
        guard let worker = context.pool.select(excluding: tried) else {
            let message = tried.isEmpty ? "no healthy worker available" : "every worker refused the connection"
            return fail(tried.isEmpty ? 503 : 502, message)
        }
        tried.insert(ObjectIdentifier(worker))
        self.worker = worker
        worker.inFlight += 1
        worker.totalRequests += 1
        let upstream = UpstreamRequest(
            method: request.method, url: worker.url + request.target,
            headers: HopByHopHeaders.endToEnd(request.headers), body: request.body)
        transfer = context.client.start(upstream, handlers: UpstreamHandlers(
            // Strong captures: the transfer keeps this exchange alive until it
            // completes or is cancelled.
            onHead: { [self] status, headers in relayHead(status, headers) },
            onBody: { [self] bytes in relayBody(bytes) },
            onComplete: { [self] result in finished(result) }))
    }

    private func relayHead(_ status: Int, _ headers: [(name: String, value: String)]) {
        answered = true
        let contentLength = headers.first { $0.name.equalsIgnoringASCIICase("content-length") }
            .flatMap { Int($0.value.trimmingASCIISpaces()) }
        // A HEAD answer announces a length but carries no body.
        let isChunked = headers.contains { $0.name.equalsIgnoringASCIICase("transfer-encoding") }
        responder.startStream(status: status, headers: HTTPHeaders(HopByHopHeaders.endToEnd(headers)),
                              contentLength: isChunked ? nil : (contentLength ?? (request.method == "HEAD" ? 0 : nil)))
        responder.onWritable = { [weak self] in self?.transfer?.resume() }
    }

    private func relayBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        responder.writeChunk(bytes)
        return !responder.isClientSlow
    }

    private func finished(_ result: Result<Void, UpstreamError>) {
        transfer = nil
        switch result {
        case .success:
            if let worker { context.health.recordSuccess(worker) }
            responder.finishStream()
            release(outcome: "ok")
        case .failure(let error):
            guard !answered else {
                responder.abortStream()
                return release(outcome: "upstream_broken")
            }
            if case .connectFailed = error, let worker {
                context.health.recordFailure(worker)
                context.metrics.upstreamErrors.increment("connect")
                releaseWorker()
                return attempt()
            }
            let timedOut = if case .timedOut = error { true } else { false }
            context.metrics.upstreamErrors.increment(timedOut ? "timeout" : "transport")
            fail(timedOut ? 504 : 502, error.description)
        }
    }

    private func fail(_ status: Int, _ message: String) {
        responder.send(.error(status, message))
        release(outcome: "error")
    }

    private func releaseWorker() {
        worker?.inFlight -= 1
        worker = nil
    }

    private func release(outcome: String) {
        guard !released else { return }
        released = true
        releaseWorker()
        responder.onClientGone = nil
        context.metrics.recordProxied(outcome: outcome, seconds: EventLoopClock.seconds(since: startedAt))
    }
}
