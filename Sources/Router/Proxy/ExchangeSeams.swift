import HTTPServer
import WorkerClient

/// The two sides `ProxyExchange` talks to, as protocols so that tests can
/// run whole exchanges in process: a scripted upstream for the workers, a
/// recording answer for the client.

/// Starts calls to workers.
protocol WorkerCalls: AnyObject {
    func start(_ request: UpstreamRequest, handlers: UpstreamHandlers) -> any UpstreamTransfer
}

extension WorkerClient: WorkerCalls {}

/// The client's answer, whole or streamed (see `HTTPResponder`).
protocol ClientAnswer: AnyObject {
    var onClientGone: (() -> Void)? { get set }
    var onWritable: (() -> Void)? { get set }
    var isClientSlow: Bool { get }
    /// The answer's status once begun, for logs.
    var status: Int? { get }
    func send(_ response: HTTPResponse)
    func startStream(status: Int, headers: HTTPHeaders, contentLength: Int?)
    func writeChunk(_ bytes: UnsafeRawBufferPointer)
    func finishStream()
    func abortStream()
}

extension HTTPResponder: ClientAnswer {}
