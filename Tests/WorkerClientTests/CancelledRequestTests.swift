import EventLoop
import Testing
import WorkerClient

/// A request cancelled (its client hung up) before it left the router,
/// while held back for the end of the loop's iteration, never reaches the
/// worker, on either client.
@Suite struct CancelledRequestTests {
    @Test(arguments: PlainHTTPClient.allCases)
    func aRequestCancelledBeforeItLeftNeverReachesTheWorker(_ kind: PlainHTTPClient) throws {
        let loop = EventLoop()
        let worker = try AnsweringWorker(loop: loop)
        var configuration = WorkerClientConfiguration()
        configuration.plainHTTPClient = kind
        let client = WorkerClient(loop: loop, configuration: configuration)
        let base = "http://127.0.0.1:\(worker.port)"
        var lastResult: Result<Void, UpstreamError>?
        func get(_ path: String, then next: @escaping () -> Void) -> any UpstreamTransfer {
            client.start(
                UpstreamRequest(method: "GET", url: base + path),
                handlers: UpstreamHandlers(
                    onHead: { _, _ in }, onBody: { _ in true },
                    onComplete: { result in
                        lastResult = result
                        next()
                    }))
        }
        _ = get("/first") {
            // On the connection the first request left idle, in the same
            // iteration: held back, then cancelled.
            get("/cancelled") { Issue.record("a cancelled transfer completed") }.cancel()
            _ = get("/third") { loop.stop() }
        }
        let watchdog = loop.schedule(afterMilliseconds: 10_000) {
            Issue.record("the worker did not answer")
            loop.stop()
        }
        loop.run()
        watchdog.cancel()
        worker.close()
        #expect(worker.requestLines == ["GET /first HTTP/1.1", "GET /third HTTP/1.1"])
        if case .failure(let error)? = lastResult { Issue.record("\(error)") }
    }
}

/// A worker on the test's loop: answers every request head with `ok` and
/// keeps the request lines it read.
private final class AnsweringWorker {
    private var listener: TCPListener!
    private var connections: [TCPConnection] = []
    private(set) var requestLines: [String] = []

    init(loop: EventLoop) throws {
        listener = try TCPListener(loop: loop, host: "127.0.0.1", port: 0) { [unowned self] connection in
            connections.append(connection)
            var pending: [UInt8] = []
            connection.setHandlers(
                onRead: { [unowned self, unowned connection] bytes in
                    pending += bytes
                    while let end = headEnd(in: pending) {
                        let head = String(decoding: pending[..<end], as: UTF8.self)
                        pending.removeSubrange(..<end)
                        requestLines.append(String(head.prefix { $0 != "\r\n" }))
                        connection.write(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))
                    }
                },
                onEnd: { _ in }, onDrained: {}, onClosed: {})
            connection.resumeReading()
        }
    }

    var port: Int { listener.port }

    func close() {
        listener.close()
        for connection in connections { connection.close() }
    }

    /// Where the first complete head in `bytes` ends (bodies are not expected).
    private func headEnd(in bytes: [UInt8]) -> Int? {
        let terminator = Array("\r\n\r\n".utf8)
        guard bytes.count >= terminator.count else { return nil }
        for start in 0...(bytes.count - terminator.count) where bytes[start..<start + 4].elementsEqual(terminator) {
            return start + 4
        }
        return nil
    }
}
