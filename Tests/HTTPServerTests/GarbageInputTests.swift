import HTTPServer
import Testing
import TestSupport

/// Hostile bytes must never crash the server or leave connections behind.
@Suite struct GarbageInputTests {
    @Test func invalidUTF8InAHeaderValueIsDecodedLossily() throws {
        let server = try TestServer { request, responder, _ in
            responder.send(HTTPResponse(status: 200, body: Array((request.headers["X-Name"] ?? "missing").utf8)))
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send(Array("GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf".utf8) + [0xC3, 0x28, 0xFF] + Array("\r\n\r\n".utf8))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text.hasPrefix("caf\u{FFFD}"))
    }

    @Test func randomBytesNeverCrashTheServer() throws {
        let server = try TestServer(handler: echoHandler)
        var random = SeededGenerator(seed: 0x5EED)
        for round in 0..<150 {
            let noise = (0..<Int.random(in: 1...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let prefixes = ["", "GET /", "GET / HTTP/1.1\r\nX-", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"]
            let client = try RawHTTPConnection(port: server.port)
            try client.send(Array(prefixes[round % prefixes.count].utf8) + noise + Array("\r\n\r\n".utf8))
            client.finishSending()
            #expect(client.isClosedByPeer(timeout: 10), "round \(round) left the connection open")
        }
        #expect(try httpRequest("GET", port: server.port, path: "/alive").text == echoed("GET", "/alive"))
        #expect(eventually { server.sync { server, _ in server.connectionCount } == 0 })
    }
}
