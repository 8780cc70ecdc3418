/// When and how a request that failed at a worker is sent again.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included (the original: 5).
    public var maxAttempts = 5
    /// Wait before the first resend of a buffered request after an abort or
    /// a worker error; connect failures move on at once. The original
    /// waited a fixed 30 s, on the loop.
    public var initialBackoffMilliseconds: UInt64 = 1_000
    /// Each later wait is the one before times this...
    public var backoffMultiplier = 2.0
    /// ...up to this.
    public var maxBackoffMilliseconds: UInt64 = 30_000
    /// Each wait is spread by up to this fraction either way (0...1), so that
    /// requests that failed together do not all come back together.
    public var jitter = 0.1

    /// Methods whose request has the same effect sent once or twice
    /// (RFC 9110 §9.2.2): one may go to another worker after its connection
    /// broke, although the first worker may have acted on it.
    static let idempotentMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]

    public init() {}

    /// The wait before a resend that follows `earlierWaits` waits of the
    /// same request; `draw` is uniform in -1...1 (the jitter's randomness,
    /// from the caller so tests choose it).
    func backoffMilliseconds(afterWaits earlierWaits: Int, draw: Double) -> UInt64 {
        let cap = Double(maxBackoffMilliseconds)
        var wait = min(Double(initialBackoffMilliseconds), cap)
        for _ in 0..<earlierWaits where wait < cap { wait = min(wait * backoffMultiplier, cap) }
        let spread = jitter * min(max(draw, -1), 1)
        return UInt64((wait * (1 + spread)).rounded())
    }
}
