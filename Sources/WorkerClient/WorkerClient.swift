import EventLoop

/// HTTP/1.1 client for worker calls, on the event loop: `http://` workers
/// through our own client (libuv and llhttp), `https://` ones through
/// libcurl, both behind the same handlers. Connections are pooled per
/// worker and reused.
public final class WorkerClient {
    private let loop: EventLoop
    private let configuration: WorkerClientConfiguration
    private(set) lazy var native = NativeClient(loop: loop, configuration: configuration)
    private lazy var curl = CurlClient(loop: loop, configuration: configuration)

    public init(loop: EventLoop, configuration: WorkerClientConfiguration = .init()) {
        self.loop = loop
        self.configuration = configuration
    }

    /// Starts a transfer; its handlers are called on the loop thread, never
    /// from inside this call. The request is the transfer's (`consuming`):
    /// moved into it, not copied (a copy retains each of its fields).
    @discardableResult
    public func start(_ request: consuming UpstreamRequest, handlers: UpstreamHandlers) -> any UpstreamTransfer {
        if configuration.plainHTTPClient == .native, request.worker.isPlain {
            return native.start(request, handlers: handlers)
        }
        return curl.start(request, handlers: handlers)
    }

    /// The worker at `url` was removed from the pool: its idle connections
    /// close and its connection pool goes once empty. (libcurl's own
    /// connection cache ages out connections of `https://` workers.)
    public func forget(workerURL url: String) {
        if configuration.plainHTTPClient == .native { native.forget(workerURL: url) }
    }

    /// Sends a request and collects the whole response.
    public func fetch(_ request: UpstreamRequest, completion: @escaping (Result<UpstreamResponse, UpstreamError>) -> Void) {
        var response = UpstreamResponse(status: 0, headers: [], body: [])
        start(
            request,
            handlers: UpstreamHandlers(
                onHead: { status, headers in
                    response.status = status
                    response.headers = headers
                },
                onBody: { bytes in
                    response.body.append(contentsOf: bytes)
                    return true
                },
                onComplete: { result in completion(result.map { response }) }))
    }
}
