/// Limits and timeouts of the HTTP server. Defaults suit a proxy in front of
/// inference workers: bodies large enough for a 256K-token prompt given as
/// ids, generous timeouts for slow clients, but never unbounded ones.
public struct HTTPServerConfiguration: Sendable {
    /// Request line plus header fields; larger answers 431.
    public var maxHeaderBytes = 64 * 1024
    /// Larger bodies answer 413.
    public var maxBodyBytes = 64 * 1024 * 1024
    /// From a request's first byte to its last; slower clients get 408.
    public var requestReadTimeoutMilliseconds: UInt64 = 60_000
    /// A keep-alive connection with no request in progress, or one whose
    /// client has taken none of its queued answers, is closed after this.
    public var idleTimeoutMilliseconds: UInt64 = 75_000
    /// After the last answer on a connection that closes, how long what the
    /// client still sends is read and dropped before closing anyway (see
    /// `TCPConnection.closeAfterWrites`; nginx's `lingering_timeout`).
    public var lingerMilliseconds: UInt64 = 5_000
    /// Pipelined requests handled at once on one connection; beyond it the
    /// server stops reading that connection.
    public var maxPipelinedRequests = 32
    /// Queued response bytes above which a connection stops reading requests
    /// and a streaming responder reports that the client is slow.
    public var writeHighWatermark = 1024 * 1024
    /// Client connections open at once (nginx's `worker_connections`); a
    /// client beyond it is answered 503 at once and closed, rather than the
    /// process running out of file descriptors. Nil: no limit.
    public var maxConnections: Int?
    /// The answer to a request the server itself refuses (400, 405, 408,
    /// 413, 431, 503 over `maxConnections`), from its status and message:
    /// the product gives its errors their shape here.
    public var errorResponse: @Sendable (_ status: Int, _ message: String) -> HTTPResponse

    public init(errorResponse: @escaping @Sendable (_ status: Int, _ message: String) -> HTTPResponse = HTTPResponse.plainError) {
        self.errorResponse = errorResponse
    }
}
