import HTTPServer
import Testing
import TestSupport

/// A handler that drops its client's connection while the server is still
/// reading what the client sent (`HTTPResponder.dropConnection`, called
/// from inside the handler): the server lets go of the connection there and
/// then, and must not touch it again on the way back out of its read.
/// (Under `scripts/asan.sh` a connection freed too early is a
/// heap-use-after-free report.)
@Suite struct DroppedConnectionTests {
    @Test func aConnectionDroppedByTheHandlerMidReadClosesAndTheServerGoesOn() throws {
        let seen = Locked<[String]>([])
        let server = try TestServer { request, responder, _ in
            seen.withLock { $0.append(request.target) }
            if request.target == "/drop" { return responder.dropConnection() }
            responder.send(HTTPResponse(status: 200, body: Array("ok".utf8)))
        }
        let client = try RawHTTPConnection(port: server.port)
        // Both requests arrive in one read: the server is still in it when
        // the first one's handler drops the connection.
        try client.send("GET /drop HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readUntilClosed().isEmpty)
        #expect(seen.value == ["/drop"])

        let next = try RawHTTPConnection(port: server.port)
        try next.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try next.readResponse().status == 200)
        #expect(server.sync { server, _ in server.connectionCount } == 1)
    }
}
