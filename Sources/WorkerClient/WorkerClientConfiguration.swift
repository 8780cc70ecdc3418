public struct WorkerClientConfiguration: Sendable {
    public var connectTimeoutMilliseconds = 5_000
    /// Whole-transfer limit; 0 means none (generations can be long).
    public var requestTimeoutMilliseconds = 0
    /// Idle connections to workers kept for reuse, all workers together;
    /// connections in use do not count.
    public var maxIdleConnections = 2048
    /// Open connections to one worker; requests beyond it wait for one to
    /// be free, in arrival order. 0 means no limit.
    public var maxConnectionsPerWorker = 0
    /// Which client carries calls to `http://` workers (`https://` ones
    /// always go through libcurl).
    public var plainHTTPClient = PlainHTTPClient.native
    /// PEM file of the certificate authorities `https://` workers' certificates
    /// are checked against, instead of the system's bundle (a private CA).
    public var workerCAFile: String?

    public init() {}
}

public enum PlainHTTPClient: String, Sendable, CaseIterable {
    /// Our HTTP/1.1 client on libuv and llhttp.
    case native
    /// libcurl, as for `https://` workers: kept selectable so that both
    /// paths run the same tests.
    case curl
}
