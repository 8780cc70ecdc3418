import EventLoop
import HTTPServer
import JSON
import Logging
import WorkerClient

/// Carries one client request through the middleware chain to a worker and
/// the answer back.
///
/// Every decision (buffer or relay, retry, next worker, what the client
/// gets) is `ExchangeStateMachine`'s; this driver tells it what happened and
/// does what it answers, with the worker client, the responder, timers, the
/// middleware chain and metrics.
final class ProxyExchange {
    private typealias Action = ExchangeStateMachine<Worker>.Action
    private let request: ProxiedRequest
    private let responder: any ClientAnswer
    private let context: ProxyContext
    /// Unchecked, as the state below: the machine's events never call back
    /// into this driver, the other fields are plain reads and writes, so no
    /// access can overlap another, and the dynamic check would cost every
    /// access a thread-local lookup.
    @exclusivity(unchecked) private var machine: ExchangeStateMachine<Worker>
    /// The worker of the running attempt, counted in its in-flight requests.
    @exclusivity(unchecked) private var worker: Worker?
    @exclusivity(unchecked) private var transfer: (any UpstreamTransfer)?
    @exclusivity(unchecked) private var backoff: LoopTimer?
    /// The `rid`s a `/generate` names, once read (at its first attempt).
    @exclusivity(unchecked) private var rids: [String]?
    /// Whether a client asked (`/abort_request`) to abort the rids of the
    /// attempt that just answered.
    @exclusivity(unchecked) private var abortAskedFor = false
    /// Its place in the queue while it waits for a worker.
    @exclusivity(unchecked) private var ticket: WaitingRoom.Ticket?
    /// A streamed `/generate` being relayed.
    @exclusivity(unchecked) private var streamWatch: GenerateStreamWatch?
    /// A buffered attempt's answer while it arrives (a field, not a box
    /// its three handlers share: one allocation fewer per attempt).
    @exclusivity(unchecked) private var gathered = ProxiedResponse(status: 0, headers: HTTPHeaders(), body: [])
    private let startedAt = EventLoopClock.now()
    /// SGLang generation (`POST /generate`): asked at several steps, decided once.
    private let isGenerate: Bool

    init(request: consuming HTTPRequest, responder: any ClientAnswer, context: ProxyContext) {
        isGenerate = ExchangeRequest.isGenerate(method: request.method, path: request.path)
        self.request = ProxiedRequest(request)
        self.responder = responder
        self.context = context
        machine = ExchangeStateMachine(retry: context.retry, waitsForWorkers: context.waitingRoom.waits)
    }

    func start() {
        responder.onClientGone = { [self] in perform(machine.clientGone()) }
        context.chain.prepare(request, context: context.middlewareContext) { [self] verdict in
            switch verdict {
            case .respond(let response):
                guard case .sendAnswer(let outcome) = machine.middlewareAnswered() else { return }
                responder.send(response)
                finish(outcome)
            case .forward:
                perform(
                    machine.requestForwarded(
                        ExchangeRequest(
                            method: request.method, path: request.path, forwarding: request.forwarding)))
            }
        }
    }

    /// Does `action`; `answer` is the worker's answer at hand, when the
    /// event that led to it was one.
    private func perform(_ action: consuming Action, answer: ProxiedResponse? = nil) {
        switch consume action {
        case .none:
            break
        case .readStreamFlag:
            // Read here when no middleware read the body: off the loop for a large one.
            let body = request.body
            JSONWork.run(on: context.loop, bodyBytes: body.count, body, GenerateAnswer.asksToStream) { [self] streams in
                perform(machine.streamFlagRead(streams))
            }
        case .selectWorker(let excluded, let preferring):
            // A first attempt does not pass requests waiting for a worker.
            let mayGo = machine.attempts > 0 || context.waitingRoom.admitsNewcomer(inFlight: context.pool.totalInFlight)
            let chosen =
                mayGo ? context.pool.select(excluding: excluded, preferring: preferring ? request.forwarding.preferredWorker : nil) : nil
            perform(machine.workerSelected(chosen))
        case .wait:
            waitForWorker()
        case .startAttempt(let worker, let mode, let retrying):
            startAttempt(at: worker, mode, retrying: retrying)
        case .relayHead:
            break  // done by `relayHead(_:_:)`, which holds the head
        case .judge:
            if let answer { judge(answer) }
        case .scheduleBackoff(let milliseconds):
            backoff = context.loop.schedule(afterMilliseconds: milliseconds) { [self] in
                backoff = nil
                perform(machine.backoffElapsed())
            }
        case .deliverAnswer:
            if let answer { deliver(answer) }
        case .deliverLastAnswer(let response):
            deliver(response)
        case .sendAnswer:
            break  // done where the answer is at hand
        case .endStream:
            // The stream's end reaches the client after the middlewares are
            // done with it: a trajectory is stored before the next turn can ask.
            context.chain.streamEnded(for: request, succeeded: true, context: context.middlewareContext) { [self] in
                perform(machine.streamEndSeen())
            }
        case .finishStream:
            responder.finishStream()
            finish(.ok)
        case .abortStream:
            responder.abortStream()
            context.chain.streamEnded(for: request, succeeded: false, context: context.middlewareContext) {}
            finish(.upstreamBroken)
        case .fail(let status, let message):
            responder.send(.error(status, message))
            finish(.error)
        case .shed(let reason):
            context.metrics.shed.increment(reason.metricLabel)
            if case .localResources(let detail) = reason { context.logLocalExhaustion(detail) }
            var response = HTTPResponse.error(reason.status, reason.message)
            response.headers.add("Retry-After", "1")
            responder.send(response)
            finish(.shed)
        case .abandon(let endsStream):
            // The worker would decode for nobody: tell it to stop.
            if let worker, let rids, !rids.isEmpty { context.aborts.abort(rids, at: worker) }
            if let ticket { context.waitingRoom.leave(ticket) }
            ticket = nil
            transfer?.cancel()
            transfer = nil
            backoff?.cancel()
            backoff = nil
            if endsStream { context.chain.streamEnded(for: request, succeeded: false, context: context.middlewareContext) {} }
            finish(.clientClosed)
        }
    }

    // MARK: waiting for a worker

    private func waitForWorker() {
        ticket = context.waitingRoom.enter(
            tryStart: { [self] in
                guard context.waitingRoom.hasCapacity(inFlight: context.pool.totalInFlight),
                    let chosen = context.pool.select(preferring: request.forwarding.preferredWorker)
                else { return false }
                ticket = nil
                perform(machine.waitEnded(chosen))
                return true
            },
            timedOut: { [self] in
                ticket = nil
                perform(machine.waitTimedOut())
            })
        if ticket == nil { perform(machine.queueFull()) }
    }

    // MARK: attempts

    private func startAttempt(at worker: Worker, _ mode: ExchangeStateMachine<Worker>.Mode, retrying: AttemptOutcome?) {
        if let retrying { context.metrics.retries.increment(retrying.metricLabel) }
        self.worker = worker
        request.servedBy = worker
        context.pool.requestStarted(at: worker)
        let upstream = UpstreamRequest(
            method: request.method, worker: worker.address, target: request.target,
            headers: HopByHopHeaders.endToEnd(request.headers), body: request.body)
        // Strong captures: the transfer keeps this exchange alive until done.
        transfer = context.client.start(consume upstream, handlers: mode == .buffered ? bufferedHandlers() : relayHandlers())
        if isGenerate { trackRids(at: worker) }
    }

    /// Notes which worker runs the request's rids, reading them (off the
    /// loop for a large body) at the first attempt.
    private func trackRids(at worker: Worker) {
        if let rids { return context.inFlightRids.started(rids, at: worker) }
        let body = request.body
        JSONWork.run(on: context.loop, bodyBytes: body.count, body, GenerateAnswer.rids) { [self] read in
            rids = read
            if let current = self.worker { context.inFlightRids.started(read, at: current) }
        }
    }

    /// A buffered attempt's head and body decide nothing until the answer is whole.
    private func bufferedHandlers() -> UpstreamHandlers {
        gathered = ProxiedResponse(status: 0, headers: HTTPHeaders(), body: [])
        return UpstreamHandlers(
            onHead: { [self] status, headers in
                gathered.status = status
                gathered.headers = HopByHopHeaders.endToEnd(headers)
            },
            onBody: { [self] bytes in
                gathered.body.append(contentsOf: bytes)
                return true
            },
            onComplete: { [self] result in
                switch result {
                case .success:
                    let response = takeGathered()
                    attemptAnswered(response.status)
                    // Read before the attempt ends, which forgets the rids.
                    abortAskedFor = rids.map(context.inFlightRids.wasAbortRequested) ?? false
                    transferEnded()
                    perform(machine.answerArrived(response), answer: response)
                case .failure(let error):
                    transferFailed(error)
                }
            })
    }

    private func relayHandlers() -> UpstreamHandlers {
        UpstreamHandlers(
            onHead: { [self] status, headers in
                if case .relayHead = machine.headArrived() { relayHead(status, headers) }
            },
            onBody: { [self] bytes in
                context.chain.observeStream(bytes, for: request, context: context.middlewareContext)
                streamWatch?.observe(bytes)
                responder.writeChunk(bytes)
                return !responder.isClientSlow
            },
            onComplete: { [self] result in
                switch result {
                case .success:
                    if let worker { context.health.recordSuccess(worker) }
                    streamWatch?.finished(at: worker)
                    transferEnded()
                    perform(machine.relayCompleted())
                case .failure(let error):
                    transferFailed(error)
                }
            })
    }

    private func relayHead(_ status: Int, _ headers: consuming HTTPHeaders) {
        attemptAnswered(status)
        if isGenerate { streamWatch = GenerateStreamWatch(startedAt: startedAt, metrics: context.metrics) }
        let isChunked = headers.contains("transfer-encoding")
        let declared = headers["content-length"].flatMap { Int($0.trimmingASCIISpaces()) }
        // A HEAD answer announces a length but carries no body.
        let contentLength = isChunked ? nil : (declared ?? (request.method == "HEAD" ? 0 : nil))
        responder.startStream(
            status: status, headers: HopByHopHeaders.endToEnd(headers),
            contentLength: contentLength)
        responder.onWritable = { [weak self] in self?.transfer?.resume() }
    }

    /// A 5xx is the worker's failure; anything below, a 4xx included, shows it works.
    private func attemptAnswered(_ status: Int) {
        if status >= 500 { request.servedBy?.attemptFailed() } else { request.servedBy?.attemptSucceeded() }
    }

    /// The worker has one request fewer.
    private func transferEnded() {
        transfer = nil
        releaseWorker()
    }

    /// A failed attempt counts against its worker (a refused connection in
    /// its health too) before the next one is chosen; a relayed stream cut
    /// short after its head went out counts as neither, and nor does the
    /// router running out of resources of its own.
    private func transferFailed(_ error: UpstreamError) {
        let failedWorker = worker
        transferEnded()
        let action = machine.transferFailed(error)
        if case .abortStream = action { return perform(action) }
        let label: String
        switch error {
        case .connectFailed:
            if let failedWorker { context.health.recordFailure(failedWorker) }
            label = "connect"
        case .timedOut: label = "timeout"
        case .transport: label = "transport"
        case .localResources, .cancelled: return perform(action)
        }
        failedWorker?.attemptFailed()
        context.metrics.upstreamErrors.increment(label)
        perform(action)
    }

    /// A 2xx `/generate` answer: only an abort matters, which most bodies
    /// cannot spell. Scanning and parsing both scale with the body: one trip
    /// to the thread pool for large ones. The answer waits in `gathered`
    /// meanwhile. A small one is read right here, not through
    /// `JSONWork.run`: there the reading's closure context was allocated
    /// for every answer, also those read at once.
    private func judge(_ response: ProxiedResponse) {
        let body = response.body
        gathered = response
        if JSONWork.isInline(bytes: body.count) { return judged(Self.readAnswer(body)) }
        judgeOffTheLoop(body)
    }

    @inline(never)
    private func judgeOffTheLoop(_ body: [UInt8]) {
        JSONWork.offload(on: context.loop, body, Self.readAnswer) { [self] in judged($0) }
    }

    private func judged(_ reading: AnswerReading) {
        let response = takeGathered()
        if let weightVersion = reading.weightVersion, !machine.isDone { request.servedBy?.weightVersion = weightVersion }
        if reading.aborted, !machine.isDone { context.metrics.aborts.increment("generate") }
        perform(machine.answerJudged(response, aborted: reading.aborted, askedFor: abortAskedFor), answer: response)
    }

    /// The answer in `gathered`, moved out: a copy would retain each of its
    /// arrays, and emptying the field would release them again.
    private func takeGathered() -> ProxiedResponse {
        var response = ProxiedResponse(status: 0, headers: HTTPHeaders(), body: [])
        swap(&response, &gathered)
        return response
    }

    /// What the router reads in a 2xx `/generate` answer. (A struct, not a
    /// tuple: passed through a generic, a tuple needs a thunk allocated.)
    private struct AnswerReading {
        let aborted: Bool
        let weightVersion: String?
    }

    private static func readAnswer(_ body: [UInt8]) -> AnswerReading {
        let aborted = GenerateAnswer.mayBeAborted(body) && (try? JSONParser.parse(body)).map(GenerateAnswer.isAborted) == true
        return AnswerReading(aborted: aborted, weightVersion: MetaInfoScan.weightVersion(in: body))
    }

    // MARK: ending

    private func deliver(_ response: ProxiedResponse) {
        context.chain.complete(response, for: request, context: context.middlewareContext) { [self] final in
            guard case .sendAnswer(let outcome) = machine.answerDelivered() else { return }
            responder.send(HTTPResponse(status: final.status, headers: final.headers, body: final.body))
            finish(outcome)
        }
    }

    /// The worker has room for one more: a waiting request may take it.
    private func releaseWorker() {
        guard let worker else { return }
        if let rids { context.inFlightRids.ended(rids, at: worker) }
        context.pool.requestEnded(at: worker)
        self.worker = nil
        context.waitingRoom.wake()
    }

    private func finish(_ outcome: ExchangeOutcome) {
        releaseWorker()
        responder.onClientGone = nil
        responder.onWritable = nil
        let seconds = EventLoopClock.seconds(since: startedAt)
        context.metrics.recordProxied(
            outcome: outcome.rawValue, route: isGenerate ? "generate" : "proxy",
            worker: request.servedBy, seconds: seconds)
        guard context.logsExchanges else { return }
        context.logger.debug(
            "proxied",
            metadata: [
                "request_id": "\(request.headers[context.requestIDHeader] ?? "none")",
                "method": "\(request.method)", "target": "\(request.target)",
                "status": "\(responder.status.map(String.init) ?? "none")", "outcome": "\(outcome.rawValue)",
                "worker": "\(request.servedBy?.url ?? "none")", "attempts": "\(machine.attempts)",
                "ms": "\(Int((seconds * 1000).rounded()))",
            ])
    }
}
