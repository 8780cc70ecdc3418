import Foundation
import Testing
import TestSupport

/// A removed worker's pooled connections do not stay open: the router
/// closes the idle one once the worker is removed (its pool goes with it).
@Suite struct RemovedWorkerConnectionTests {
    @Test func removingAWorkerClosesItsIdleConnection() throws {
        let (listener, port) = try bindLoopbackSocket(listenBacklog: 4)
        defer { close(listener) }
        let answered = Locked(false), closedByRouter = Locked(false)
        // One keep-alive connection: answer its request, then wait for the router to close it.
        Thread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            var chunk = [UInt8](repeating: 0, count: 4096)
            var received: [UInt8] = []
            while !received.contains(Array("\r\n\r\n".utf8)) {
                let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return }
                received += chunk[..<count]
            }
            let answer = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".utf8)
            answered.value = true
            _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            while chunk.withUnsafeMutableBytes({ recv(client, $0.baseAddress, $0.count, 0) }) > 0 {}
            closedByRouter.value = true
        }.start()
        let url = loopbackURL(port: port)
        let router = try RouterProcess(client: .native, workers: [url], ["--disable-health-check"])

        #expect(try router.request("GET", "/v1/models").status == 200)
        #expect(answered.value)
        #expect(!closedByRouter.value, "the pooled connection stays open while the worker is registered")

        #expect(try router.request("POST", "/remove_worker?url=\(url)").status == 200)
        #expect(eventually(timeout: 20) { closedByRouter.value })
        // The router still serves (its other state is intact).
        #expect(try router.workerURLs().isEmpty)
    }
}
