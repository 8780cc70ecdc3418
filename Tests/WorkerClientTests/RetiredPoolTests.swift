import EventLoop
import Testing

@testable import WorkerClient

/// A removed worker's connection pool leaves the client once nothing uses
/// it, also when its last connection never came up.
@Suite struct RetiredPoolTests {
    @Test func aRemovedWorkersPoolGoesWhenItsLastConnectFails() {
        let loop = EventLoop()
        let client = WorkerClient(loop: loop, configuration: WorkerClientConfiguration())
        // Nothing listens on port 1: the connect is refused, on a later
        // loop pass, after the worker was removed.
        let url = "http://127.0.0.1:1"
        var result: Result<Void, UpstreamError>?
        _ = client.start(
            UpstreamRequest(method: "GET", url: url + "/health"),
            handlers: UpstreamHandlers(
                onHead: { _, _ in }, onBody: { _ in true },
                onComplete: {
                    result = $0
                    loop.stop()
                }))
        #expect(client.native.pools.count == 1)
        client.forget(workerURL: url)
        let watchdog = loop.schedule(afterMilliseconds: 10_000) {
            Issue.record("the connect neither failed nor succeeded")
            loop.stop()
        }
        loop.run()
        watchdog.cancel()
        guard case .failure? = result else {
            Issue.record("expected a failed connect, got \(String(describing: result))")
            return
        }
        #expect(client.native.pools.isEmpty)
    }
}
