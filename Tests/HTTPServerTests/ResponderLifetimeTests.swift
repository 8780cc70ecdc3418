import HTTPServer
import Testing
import TestSupport

/// A responder holds its connection strongly while it waits in the
/// connection's line, and the connection holds it there: however the
/// connection closes, it must let go of the responders still in its line,
/// or both stay alive for good.
@Suite struct ResponderLifetimeTests {
    /// Weak references to every request's responder; the handler keeps no
    /// strong one, so only the server can keep a responder alive.
    final class Watched: Sendable {
        private let responders = Locked<[Weak]>([])
        struct Weak { weak var responder: HTTPResponder? }

        func watch(_ responder: HTTPResponder) { responders.withLock { $0.append(Weak(responder: responder)) } }
        var count: Int { responders.value.count }
        /// On the loop thread only: a responder is released there.
        var alive: Int { responders.value.filter { $0.responder != nil }.count }
        func first() -> HTTPResponder? { responders.value.first?.responder }
    }

    enum Ending: CaseIterable {
        /// The client hangs up with its answer not begun.
        case clientHangsUp
        /// The client hangs up in the middle of a streamed answer.
        case clientHangsUpMidStream
        /// A second pipelined request waits behind one whose answer is
        /// cut short (`abortStream`), which closes the connection.
        case behindACutShortAnswer
        /// The server's grace period ends with the answer not begun.
        case shutdownCutsItOff
    }

    @Test(arguments: Ending.allCases)
    func aClosedConnectionLetsGoOfItsResponders(ending: Ending) throws {
        let watched = Watched()
        let server = try TestServer { _, responder, _ in
            watched.watch(responder)
            if ending == .clientHangsUpMidStream {
                responder.startStream(status: 200, headers: [:])
                responder.writeChunk(Array("first".utf8))
            }
        }
        let client = try RawHTTPConnection(port: server.port)
        switch ending {
        case .clientHangsUp:
            try client.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(eventually { watched.count == 1 })
            client.close()
        case .clientHangsUpMidStream:
            try client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try client.readResponseHead()
            #expect(try client.readChunk() == Array("first".utf8))
            client.close()
        case .behindACutShortAnswer:
            try client.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(eventually { watched.count == 2 })
            server.perform { _, _ in watched.first()?.abortStream() }
            #expect(client.isClosedByPeer())
        case .shutdownCutsItOff:
            try client.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(eventually { watched.count == 1 })
            server.sync { server, _ in server.shutdown(gracePeriodMilliseconds: 50) {} }
            #expect(client.isClosedByPeer())
        }
        // A connection closed after its writes lingers until its client closes too.
        client.close()
        #expect(eventually { server.sync { server, _ in server.connectionCount == 0 && watched.alive == 0 } })
    }
}
