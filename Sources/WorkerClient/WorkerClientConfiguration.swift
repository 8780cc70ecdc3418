public struct WorkerClientConfiguration: Sendable {
    public var connectTimeoutMilliseconds = 5_000
    /// Whole-transfer limit; 0 means none (generations can be long).
    public var requestTimeoutMilliseconds = 0
    /// Idle connections to workers kept for reuse, all workers together;
    /// connections in use do not count.
    public var maxIdleConnections = 2048

    public init() {}
}
