public struct WorkerClientConfiguration: Sendable {
    public var connectTimeoutMilliseconds = 5_000
    /// Whole-transfer limit; 0 means none (generations can be long).
    public var requestTimeoutMilliseconds = 0
    /// Idle connections kept per worker for reuse.
    public var maxIdleConnectionsPerWorker = 256

    public init() {}
}
