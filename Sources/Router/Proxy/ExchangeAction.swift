extension ExchangeStateMachine {
    /// The one thing the driver does next.
    enum Action {
        /// Nothing: the event no longer matters (the client left, or the
        /// exchange already ended).
        case none
        /// Read whether the body asks for a stream, then `streamFlagRead`.
        case readStreamFlag
        /// Pick an available worker outside `excluded` (the middleware's
        /// preferred one when `preferring`), then `workerSelected`.
        case selectWorker(excluding: Set<ObjectIdentifier>, preferring: Bool)
        /// Send the request to `worker`; `retrying` is the failure it follows.
        case startAttempt(Candidate, Mode, retrying: AttemptOutcome?)
        /// Start the client's answer with the worker's head (relayed mode).
        case relayHead
        /// Read the 2xx `/generate` answer at hand for an abort, then `answerJudged`.
        case judge
        /// Wait, then `backoffElapsed`.
        case scheduleBackoff(milliseconds: UInt64)
        /// Pass the answer at hand (the one just arrived or judged) through
        /// the middleware chain, then `answerDelivered`.
        case deliverAnswer
        /// Attempts ran out: pass the last answer a worker gave (kept by the
        /// machine) through the middleware chain, then `answerDelivered`.
        case deliverLastAnswer(ProxiedResponse)
        /// Send the answer at hand (the chain's, or a middleware's own); done.
        case sendAnswer(ExchangeOutcome)
        /// Let the middlewares see the stream's end, then `streamEndSeen`.
        case endStream
        /// Close the client's stream normally; done.
        case finishStream
        /// Cut the client's stream short (the worker failed after the head
        /// went out) and tell the middlewares it failed; done.
        case abortStream
        /// Answer the client with a JSON error; done.
        case fail(status: Int, message: String)
        /// No worker can take the request now: wait in the queue, then
        /// `waitEnded` with a worker, or `queueFull` / `waitTimedOut`.
        case wait
        /// The router cannot take the request now: answer the reason's
        /// status with `Retry-After`, blaming no worker; done.
        case shed(ShedReason)
        /// The client left: stop the transfer and any backoff, tell the
        /// middlewares a relayed stream failed when `endsStream`; done.
        case abandon(endsStream: Bool)
    }
}

/// How an exchange ended, as metrics and logs name it.
enum ExchangeOutcome: String {
    case ok
    case answeredByMiddleware = "answered_by_middleware"
    case error
    case upstreamBroken = "upstream_broken"
    case shed
    case clientClosed = "client_closed"
}
