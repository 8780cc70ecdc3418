import Foundation
import HTTPServer
import Testing
import TestSupport

/// `shutdown(gracePeriodMilliseconds:)`: stop accepting, let requests in
/// progress finish, cut off what is still running when the grace period ends.
@Suite struct ShutdownTests {
    /// Holds every request's responder without answering.
    final class Held: Sendable {
        let responders = Locked<[HTTPResponder]>([])
        let gone = Locked(0)

        var handler: TestServer.Handler {
            { [self] _, responder, _ in
                responder.onClientGone = { self.gone.withLock { $0 += 1 } }
                responders.withLock { $0.append(responder) }
            }
        }
    }

    @Test func letsAnInFlightRequestFinishAndRefusesNewConnections() throws {
        let held = Held()
        let server = try TestServer(handler: held.handler)
        let idle = try RawHTTPConnection(port: server.port)
        let busy = try RawHTTPConnection(port: server.port)
        try busy.send("GET /in-flight HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(eventually { held.responders.value.count == 1 })

        let completed = Locked(false)
        server.sync { server, _ in
            server.shutdown(gracePeriodMilliseconds: 60_000) { completed.value = true }
        }
        #expect(idle.isClosedByPeer())
        #expect(eventually { (try? RawHTTPConnection(port: server.port)) == nil })
        #expect(!completed.value)

        server.perform { _, _ in held.responders.value[0].send(HTTPResponse(status: 200, body: Array("done".utf8))) }
        let response = try busy.readResponse()
        #expect(response.text == "done")
        #expect(response.header("Connection")?.lowercased() == "close")
        #expect(busy.isClosedByPeer())
        #expect(eventually { completed.value })
        #expect(held.gone.value == 0)
    }

    @Test func cutsOffAStuckRequestWhenTheGracePeriodEnds() throws {
        let held = Held()
        let server = try TestServer(handler: held.handler)
        let stuck = try RawHTTPConnection(port: server.port)
        try stuck.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(eventually { held.responders.value.count == 1 })

        let completed = Locked(false)
        server.sync { server, _ in
            server.shutdown(gracePeriodMilliseconds: 200) { completed.value = true }
        }
        #expect(eventually { completed.value })
        #expect(try stuck.readUntilClosed().isEmpty)
        #expect(held.gone.value == 1)
    }
}
