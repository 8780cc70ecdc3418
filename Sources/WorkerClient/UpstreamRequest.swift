// The header type is the server's too: a proxy hands fields from one side
// to the other as bytes. Users of the client see it from here.
@_exported import HTTPHeaderFields

/// A request to a worker.
public struct UpstreamRequest: Sendable {
    public var method: String
    /// The worker, read once; `target` follows its URL.
    public var worker: WorkerAddress
    /// Path and query after the worker's URL (`/generate?x=1`), or empty
    /// when the worker's URL names the whole resource.
    public var target: String
    /// Absolute URL: the worker's URL, then `target`.
    public var url: String { worker.url + target }
    /// End-to-end headers to send (hop-by-hop ones already removed).
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Overrides the client's request timeout (0 = none) when set.
    public var timeoutMilliseconds: Int?

    /// A request to an absolute URL, read for the occasion.
    public init(
        method: String, url: String, headers: HTTPHeaders = [],
        body: [UInt8] = [], timeoutMilliseconds: Int? = nil
    ) {
        self.init(
            method: method, worker: WorkerAddress(url), target: "", headers: headers, body: body,
            timeoutMilliseconds: timeoutMilliseconds)
    }

    /// A request to `target` at a worker whose address was read before:
    /// a proxied request is neither joined to the worker's URL nor split
    /// again.
    public init(
        method: String, worker: WorkerAddress, target: String, headers: HTTPHeaders = [],
        body: [UInt8] = [], timeoutMilliseconds: Int? = nil
    ) {
        self.method = method
        self.worker = worker
        self.target = target
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// A worker's complete answer.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
}

/// Why a transfer failed.
public enum UpstreamError: Error, Sendable, CustomStringConvertible, Equatable {
    /// No connection could be made (refused, unresolvable host, connect
    /// timeout): nothing reached the worker.
    case connectFailed(String)
    /// The router itself ran out of something while opening a connection
    /// (file descriptors, local ports, buffers): nothing reached the worker,
    /// and the worker is not to blame.
    case localResources(String)
    /// The request timeout ran out after the request started.
    case timedOut(String)
    /// The connection broke or the worker answered something unreadable.
    case transport(String)
    case cancelled

    public var description: String {
        switch self {
        case .connectFailed(let message): "cannot connect to worker: \(message)"
        case .localResources(let message): "router out of resources connecting to worker: \(message)"
        case .timedOut(let message): "worker timed out: \(message)"
        case .transport(let message): "worker transfer failed: \(message)"
        case .cancelled: "transfer cancelled"
        }
    }
}

/// What a caller learns as a transfer proceeds, on the loop thread.
public struct UpstreamHandlers {
    /// The response head (after any 1xx interim responses); the fields are
    /// the handler's own, to change without a copy.
    public var onHead: (_ status: Int, _ headers: consuming HTTPHeaders) -> Void
    /// A piece of the body, taken by the handler whatever it returns;
    /// return `false` to pause the transfer until `UpstreamTransfer.resume()`
    /// (no piece is delivered twice).
    public var onBody: (UnsafeRawBufferPointer) -> Bool
    /// Called exactly once, last (not after `cancel()`).
    public var onComplete: (Result<Void, UpstreamError>) -> Void

    public init(
        onHead: @escaping (Int, consuming HTTPHeaders) -> Void,
        onBody: @escaping (UnsafeRawBufferPointer) -> Bool,
        onComplete: @escaping (Result<Void, UpstreamError>) -> Void
    ) {
        self.onHead = onHead
        self.onBody = onBody
        self.onComplete = onComplete
    }
}
