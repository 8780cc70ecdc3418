/// When and how a request that failed at a worker is sent again.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included (the original: 5).
    public var maxAttempts = 5
    /// Wait before resending after an abort or a worker error; connection
    /// refusals move on at once. The original waited 30 s, on the loop.
    public var backoffMilliseconds: UInt64 = 1_000

    public init() {}
}

/// How one attempt at a worker ended, for a request the router buffers.
enum AttemptOutcome {
    case answered
    /// SGLang said `finish_reason.type == "abort"`.
    case aborted
    /// 5xx, timeout or broken transfer before a complete answer.
    case workerError(String)
    /// Nothing reached the worker.
    case refused(String)

    var isRetryable: Bool {
        if case .answered = self { return false }
        return true
    }

    /// Whether to wait before the next attempt.
    var needsBackoff: Bool {
        if case .refused = self { return false }
        return true
    }
}
