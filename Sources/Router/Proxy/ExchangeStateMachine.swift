import WorkerClient

/// Every decision of one proxied exchange, and nothing else: no sockets,
/// no timers, no loop. `ProxyExchange` tells it what happened (an event is
/// a mutating method) and does the one `Action` each event returns.
///
/// Buffering. Non-streaming `POST /generate` answers (and any a middleware
/// asks for whole) are buffered: the router reads SGLang's finish reason and
/// resends the stored body after an abort, a 5xx, a timeout or a broken
/// connection, to a worker it has not tried when there is one, after the
/// retry backoff (a refused connection moves on at once). Once every worker
/// was tried it goes round again, skipping those that refused. When the
/// attempts run out the client gets the last answer a worker gave (an
/// abort, a 5xx) rather than the last failure to connect.
///
/// Relaying. Everything else is relayed piece by piece. Before any of the
/// answer reached the client a relayed request moves to a worker it has not
/// tried, as nginx's `proxy_next_upstream error` does:
/// - always when no connection was made (refused, none within the connect
///   timeout): nothing reached the worker;
/// - when the connection broke (reset, closed without an answer) only if the
///   request may be sent twice: an idempotent method (RFC 9110 §9.2.2) or
///   `POST /generate`; other requests answer 502;
/// - never after a request timeout (504) or once the head was relayed (the
///   client's stream is cut short instead).
///
/// Generic over the worker type so tests can script it with plain objects.
struct ExchangeStateMachine<Candidate: AnyObject> {
    /// How an attempt's answer travels.
    enum Mode: Equatable {
        /// Read whole, judged, then delivered through the middleware chain.
        case buffered
        /// Relayed to the client as it arrives.
        case relayed
    }

    private enum Phase {
        case preparing
        case readingStreamFlag
        /// The first round skips every worker tried; the second (buffered
        /// only) goes round again skipping those that refused.
        case selecting(secondRound: Bool)
        /// In the queue, before the first attempt.
        case waiting
        /// A transfer runs and nothing of it reached the client.
        case attempting(Candidate)
        /// The worker's head went out to the client.
        case relaying
        case judging
        case backingOff
        case delivering
        case endingStream
        case done
    }

    private let retry: RetryPolicy
    /// Whether a request that finds no worker waits for one (`--queue-size`).
    private let waitsForWorkers: Bool
    /// Uniform in -1...1: the backoff's jitter.
    private let jitterDraw: () -> Double
    /// Backoffs waited so far: each next one is longer.
    private var backoffs = 0
    private var phase = Phase.preparing
    /// Set once the middleware chain let the request through.
    private var request = ExchangeRequest(method: "", path: "", forwarding: Forwarding())
    private(set) var mode = Mode.relayed
    /// Attempts started, the first included.
    private(set) var attempts = 0
    private var tried: Set<ObjectIdentifier> = []
    /// The worker of the latest attempt, which joins `tried` when another
    /// is chosen: most requests take one attempt and never build the set.
    private var lastTried: ObjectIdentifier?
    /// Workers that refused the connection: going round again skips them.
    private var refused: Set<ObjectIdentifier> = []
    /// The last failed attempt, until the next one starts: what the client
    /// gets if no worker can take the request again.
    private var lastFailure: FailedAttempt?
    /// The last answer a worker gave (an abort, a 5xx): what the client gets
    /// when the attempts after it end without an answer of their own.
    private var lastAnswer: ProxiedResponse?

    init(
        retry: RetryPolicy, waitsForWorkers: Bool = false,
        jitterDraw: @escaping () -> Double = { Double.random(in: -1...1) }
    ) {
        self.retry = retry
        self.waitsForWorkers = waitsForWorkers
        self.jitterDraw = jitterDraw
    }

    var isDone: Bool {
        if case .done = phase { return true }
        return false
    }

    // MARK: before the first attempt

    /// The middleware chain answered the client itself.
    mutating func middlewareAnswered() -> Action {
        guard case .preparing = phase else { return .none }
        phase = .done
        return .sendAnswer(.answeredByMiddleware)
    }

    /// The middleware chain let the request through: buffer when a
    /// middleware asked, or for a non-streaming `/generate`.
    mutating func requestForwarded(_ request: ExchangeRequest) -> Action {
        guard case .preparing = phase else { return .none }
        self.request = request
        guard !request.needsWholeResponse, request.isGenerate else {
            mode = request.needsWholeResponse ? .buffered : .relayed
            return selectWorker()
        }
        guard let streams = request.streams else {
            phase = .readingStreamFlag
            return .readStreamFlag
        }
        mode = streams ? .relayed : .buffered
        return selectWorker()
    }

    mutating func streamFlagRead(_ streams: Bool) -> Action {
        guard case .readingStreamFlag = phase else { return .none }
        mode = streams ? .relayed : .buffered
        return selectWorker()
    }

    // MARK: choosing a worker

    private mutating func selectWorker() -> Action {
        if let lastTried { tried.insert(lastTried) }
        lastTried = nil
        phase = .selecting(secondRound: false)
        return .selectWorker(excluding: tried, preferring: true)
    }

    mutating func workerSelected(_ worker: Candidate?) -> Action {
        guard case .selecting(let secondRound) = phase else { return .none }
        guard let worker else {
            // After an abort or error every worker was tried: go round again.
            if !secondRound, mode == .buffered, !tried.isEmpty {
                phase = .selecting(secondRound: true)
                return .selectWorker(excluding: refused, preferring: false)
            }
            // No worker to send it to now: none tried yet, every one refused
            // the connection (restarting), or the one it went to is gone (a
            // reset: killed) and would have been replaced at once had another
            // been up. Wait for one when allowed. A worker that answered (a
            // 5xx, an abort) has its answer given back instead.
            if waitsForWorkers, lastFailure?.response == nil {
                phase = .waiting
                return .wait
            }
            guard let lastFailure else { return fail(503, "no healthy worker available") }
            return giveUp(lastFailure)
        }
        let retrying = lastFailure?.outcome
        lastFailure = nil
        attempts += 1
        lastTried = ObjectIdentifier(worker)
        phase = .attempting(worker)
        return .startAttempt(worker, mode, retrying: retrying)
    }

    /// A worker can take the waiting request.
    mutating func waitEnded(_ worker: Candidate) -> Action {
        guard case .waiting = phase else { return .none }
        phase = .selecting(secondRound: false)
        return workerSelected(worker)
    }

    /// The queue had no room for it.
    mutating func queueFull() -> Action { shedWaiting(.queueFull) }

    /// It waited as long as it may.
    mutating func waitTimedOut() -> Action { shedWaiting(.queueTimedOut) }

    private mutating func shedWaiting(_ reason: ShedReason) -> Action {
        guard case .waiting = phase else { return .none }
        phase = .done
        return .shed(reason)
    }

    mutating func backoffElapsed() -> Action {
        guard case .backingOff = phase else { return .none }
        return selectWorker()
    }

    // MARK: the worker's answer

    /// A relayed attempt's head arrived; buffered heads decide nothing.
    mutating func headArrived() -> Action {
        guard case .attempting = phase, mode == .relayed else { return .none }
        phase = .relaying
        return .relayHead
    }

    /// A relayed answer ended normally.
    mutating func relayCompleted() -> Action {
        switch phase {
        case .attempting, .relaying:
            phase = .endingStream
            return .endStream
        default:
            return .none
        }
    }

    /// The middlewares saw the stream's end.
    mutating func streamEndSeen() -> Action {
        guard case .endingStream = phase else { return .none }
        phase = .done
        return .finishStream
    }

    /// A buffered answer arrived whole.
    mutating func answerArrived(_ response: ProxiedResponse) -> Action {
        guard case .attempting = phase else { return .none }
        guard response.status >= 200, response.status < 300, request.isGenerate else {
            guard response.status >= 500 else { return deliverAnswer() }
            return retryOrGiveUp(FailedAttempt(.workerError("worker answered \(response.status)"), response: response))
        }
        phase = .judging
        return .judge
    }

    /// A 2xx `/generate` answer was read: SGLang aborted it, or not. An
    /// abort the client asked for (`/abort_request`) is the answer, not a
    /// failure to resend.
    mutating func answerJudged(_ response: ProxiedResponse, aborted: Bool, askedFor: Bool = false) -> Action {
        guard case .judging = phase else { return .none }
        guard aborted, !askedFor else { return deliverAnswer() }
        return retryOrGiveUp(FailedAttempt(.aborted, response: response))
    }

    /// The middleware chain is done with a buffered answer.
    mutating func answerDelivered() -> Action {
        guard case .delivering = phase else { return .none }
        phase = .done
        return .sendAnswer(.ok)
    }

    /// The transfer failed, relayed or buffered.
    mutating func transferFailed(_ error: UpstreamError) -> Action {
        switch phase {
        case .relaying:
            phase = .done
            return .abortStream
        case .attempting(let worker):
            switch error {
            case .connectFailed(let message):
                refused.insert(ObjectIdentifier(worker))
                return retryOrGiveUp(FailedAttempt(.refused(message)))
            case .localResources(let message):
                // Every worker would fail alike: shed at once, blame none.
                phase = .done
                return .shed(.localResources(message))
            case .timedOut(let message):
                return retryOrGiveUp(FailedAttempt(.workerError(message), status: 504))
            case .transport(let message):
                return retryOrGiveUp(FailedAttempt(.broken(message)))
            case .cancelled:
                return .none
            }
        default:
            return .none
        }
    }

    /// The client went away, at any point.
    mutating func clientGone() -> Action {
        switch phase {
        case .done:
            return .none
        case .relaying:
            phase = .done
            return .abandon(endsStream: true)
        default:
            phase = .done
            return .abandon(endsStream: false)
        }
    }

    // MARK: retrying and ending

    /// Sends the request again, or answers with the last thing a worker said
    /// once attempts run out.
    private mutating func retryOrGiveUp(_ failure: FailedAttempt) -> Action {
        if let response = failure.response { lastAnswer = response }
        guard mayRetry(after: failure.outcome), attempts < retry.maxAttempts else { return giveUp(failure) }
        lastFailure = failure
        // A relayed request only moves to a worker it has not tried: there
        // is nothing to wait for.
        guard mode == .buffered, failure.outcome.needsBackoff else { return selectWorker() }
        phase = .backingOff
        let milliseconds = retry.backoffMilliseconds(afterWaits: backoffs, draw: jitterDraw())
        backoffs += 1
        return .scheduleBackoff(milliseconds: milliseconds)
    }

    /// Buffered requests are resent after any failure. A relayed one comes
    /// here only before its answer began, and moves on when nothing reached
    /// the worker or when the connection broke and the request may be sent
    /// twice; a timeout or another failure ends it.
    private func mayRetry(after outcome: AttemptOutcome) -> Bool {
        if mode == .buffered { return true }
        switch outcome {
        case .refused: return true
        case .broken: return request.maySendTwice
        case .aborted, .workerError: return false
        }
    }

    private mutating func giveUp(_ failure: FailedAttempt) -> Action {
        if let response = failure.response ?? lastAnswer {
            phase = .delivering
            return .deliverLastAnswer(response)
        }
        switch failure.outcome {
        case .refused(let message): return fail(502, "no worker accepted the connection: \(message)")
        case .workerError(let message), .broken(let message): return fail(failure.status, message)
        case .aborted: return fail(502, "worker gave no usable answer")
        }
    }

    /// The answer at hand travels with the driver, not through the action:
    /// the common path copies no response.
    private mutating func deliverAnswer() -> Action {
        phase = .delivering
        return .deliverAnswer
    }

    private mutating func fail(_ status: Int, _ message: String) -> Action {
        phase = .done
        return .fail(status: status, message: message)
    }
}
