import EventLoop
import HTTPServer

/// A step every proxied request passes on its way to a worker and back.
///
/// Requests go through the chain in the order middlewares were listed on
/// the command line (the first listed sees the request first); responses
/// come back in the opposite order (the first listed sees the response
/// last), like layers of an onion.
///
/// Everything runs on the event loop. A middleware that needs heavy work
/// (tokenizing, parsing a large body) hands it to `context.loop.offload` and
/// calls its completion when the result is back; the loop never waits.
public protocol Middleware: AnyObject {
    /// Looks at (and may change) a request. Calls `done` exactly once,
    /// possibly later, with `.forward` or with an answer of its own.
    func prepare(_ request: ProxiedRequest, context: MiddlewareContext, done: @escaping (MiddlewareVerdict) -> Void)

    /// Looks at (and may change) a whole worker response. Only called for
    /// requests some middleware marked `needsWholeResponse` (or that the
    /// router buffers anyway: non-streaming `/generate`). Calls `done` once.
    func complete(
        _ response: ProxiedResponse, for request: ProxiedRequest, context: MiddlewareContext,
        done: @escaping (ProxiedResponse) -> Void)

    /// Sees a streamed response as it passes (unchanged), then its end. The
    /// client's response is closed once every middleware called `done`.
    func observeStream(_ bytes: UnsafeRawBufferPointer, for request: ProxiedRequest, context: MiddlewareContext)
    func streamEnded(
        for request: ProxiedRequest, succeeded: Bool, context: MiddlewareContext,
        done: @escaping () -> Void)
}

extension Middleware {
    public func complete(
        _ response: ProxiedResponse, for request: ProxiedRequest, context: MiddlewareContext,
        done: @escaping (ProxiedResponse) -> Void
    ) {
        done(response)
    }

    public func observeStream(_ bytes: UnsafeRawBufferPointer, for request: ProxiedRequest, context: MiddlewareContext) {}
    public func streamEnded(
        for request: ProxiedRequest, succeeded: Bool, context: MiddlewareContext,
        done: @escaping () -> Void
    ) {
        done()
    }
}

public enum MiddlewareVerdict {
    /// Go on to the next middleware, then to a worker.
    case forward
    /// Answer the client now; no worker is called.
    case respond(HTTPResponse)
}

/// What middlewares may use besides the request.
public struct MiddlewareContext {
    public let loop: EventLoop
    public let pool: WorkerPool
}

/// A request on its way to a worker, as middlewares see and change it.
///
/// Its fields skip the run-time exclusivity check (`@exclusivity(unchecked)`):
/// they are read and changed on the loop thread only, never across a call
/// that could come back to the same field, and each check cost a
/// thread-local lookup at every step of every request.
public final class ProxiedRequest {
    /// The request as the client sent it.
    public let original: HTTPRequest
    @exclusivity(unchecked) public var method: String
    @exclusivity(unchecked) public var target: String
    @exclusivity(unchecked) public var headers: HTTPHeaders
    @exclusivity(unchecked) public var body: [UInt8]
    /// How the router is to carry it, as middlewares found out.
    @exclusivity(unchecked) public var forwarding = Forwarding()
    /// The worker that answered, once known.
    @exclusivity(unchecked) public internal(set) var servedBy: Worker?
    /// Each middleware's own state for this request.
    public var middlewareState = MiddlewareState()

    /// Moved in (`consuming`): the request is not copied whole, only its
    /// fields are shared with the working copies.
    init(_ request: consuming HTTPRequest) {
        method = request.method
        target = request.target
        headers = request.headers
        body = request.body
        original = request
    }

    public var path: Substring { original.path }
}

/// What middlewares tell the router about carrying a request; read once
/// the chain let the request through.
public struct Forwarding {
    /// Buffer the worker's answer so `complete` runs on any route (the
    /// router buffers a `/generate` that is not streamed anyway).
    public var needsWholeResponse = false
    /// Whether the client asked for a stream, when a middleware already
    /// read the body (saves the router a look).
    public var streams: Bool?
    /// A worker to prefer, if it is available and not overloaded (cache-aware routing).
    public var preferredWorker: Worker?
}

/// A worker's whole answer.
public struct ProxiedResponse {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
