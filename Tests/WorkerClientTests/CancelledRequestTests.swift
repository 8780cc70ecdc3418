import EventLoop
import Testing
import TestSupport
import WorkerClient

/// A request cancelled (its client hung up) before it left the router,
/// while held back for the end of the loop's iteration, never reaches the
/// worker, on either client.
@Suite struct CancelledRequestTests {
    @Test(arguments: PlainHTTPClient.allCases)
    func aRequestCancelledBeforeItLeftNeverReachesTheWorker(_ kind: PlainHTTPClient) throws {
        // One connection at a time, each read to its end: a request that
        // reached it on the first connection is counted before the next
        // connection's is answered.
        let worker = try CannedWorker(response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", ending: .never)
        let loop = EventLoop()
        var configuration = WorkerClientConfiguration()
        configuration.plainHTTPClient = kind
        let client = WorkerClient(loop: loop, configuration: configuration)
        var lastResult: Result<Void, UpstreamError>?
        func get(_ path: String, then next: @escaping () -> Void) -> any UpstreamTransfer {
            client.start(
                UpstreamRequest(method: "GET", url: worker.url + path),
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
        #expect(worker.requestsSeen == 2)
        if case .failure(let error)? = lastResult { Issue.record("\(error)") }
    }
}
