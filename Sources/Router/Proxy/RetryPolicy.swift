/// When and how a request that failed at a worker is sent again.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included (the original: 5).
    public var maxAttempts = 5
    /// Wait before resending a buffered request after an abort or a worker
    /// error; connect failures move on at once. The original waited 30 s,
    /// on the loop.
    public var backoffMilliseconds: UInt64 = 1_000

    /// Methods whose request has the same effect sent once or twice
    /// (RFC 9110 §9.2.2): one may go to another worker after its connection
    /// broke, although the first worker may have acted on it.
    static let idempotentMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]

    public init() {}
}
