/// How an attempt at a worker failed.
enum AttemptOutcome {
    /// SGLang said `finish_reason.type == "abort"`.
    case aborted
    /// 5xx or timeout before a complete answer.
    case workerError(String)
    /// The connection broke (reset, closed, unreadable answer) before a
    /// complete answer: the worker may have seen the request.
    case broken(String)
    /// Nothing reached the worker: refused, unresolvable or connect timeout.
    case refused(String)

    /// Whether the worker may have seen the request: all but a refused connection.
    var mayHaveReachedTheWorker: Bool {
        if case .refused = self { return false }
        return true
    }

    /// Whether to wait before the next attempt: a refusal moves on at once.
    var needsBackoff: Bool { mayHaveReachedTheWorker }

    /// The `retries` metric's label for an attempt that follows this one.
    var metricLabel: String {
        switch self {
        case .aborted: "abort"
        case .workerError, .broken: "worker_error"
        case .refused: "connect"
        }
    }
}

/// An attempt that failed, and what answers it if no other attempt follows.
struct FailedAttempt {
    let outcome: AttemptOutcome
    /// What the worker answered (a 5xx, an abort), given back as it was.
    let response: ProxiedResponse?
    /// The status of the error answer when there is no response.
    let status: Int

    init(_ outcome: AttemptOutcome, response: ProxiedResponse? = nil, status: Int = 502) {
        self.outcome = outcome
        self.response = response
        self.status = status
    }
}
