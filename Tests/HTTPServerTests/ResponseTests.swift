import HTTPServer
import Testing
import TestSupport

/// HEAD and streamed responses, observed piece by piece.
@Suite struct ResponseTests {
    @Test func headGetsTheHeadersWithContentLengthButNoBody() throws {
        let server = try TestServer { _, responder, _ in
            responder.send(HTTPResponse(status: 200, headers: ["X-Kind": "full"], body: Array("hello".utf8)))
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send("HEAD /thing HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(forHEAD: true)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "5")
        #expect(head.header("X-Kind") == "full")
        // Had body bytes followed the HEAD answer, this response would not parse.
        try client.send("GET /thing HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().text == "hello")
    }

    @Test func headOfAStreamedResponseSendsNoChunks() throws {
        let server = try TestServer { _, responder, _ in
            responder.startStream(status: 200, headers: [:])
            responder.writeChunk(Array("streamed".utf8))
            responder.finishStream()
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send("HEAD /s HTTP/1.1\r\nHost: x\r\n\r\nGET /s HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(forHEAD: true)
        #expect(head.header("Transfer-Encoding") == "chunked")
        #expect(try client.readResponse().text == "streamed")
    }

    @Test func aChunkedStreamReachesTheClientPieceByPiece() throws {
        let held = Locked<HTTPResponder?>(nil)
        let server = try TestServer { _, responder, _ in
            held.value = responder
            responder.startStream(status: 200, headers: ["Content-Type": "text/event-stream"])
            responder.writeChunk(Array("one".utf8))
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponseHead()
        #expect(head.header("Transfer-Encoding") == "chunked")
        #expect(head.header("Content-Type") == "text/event-stream")
        // Each piece is read before the next one is even produced.
        #expect(try client.readChunk() == Array("one".utf8))
        server.perform { _, _ in held.value?.writeChunk(Array("two".utf8)) }
        #expect(try client.readChunk() == Array("two".utf8))
        server.perform { _, _ in held.value?.finishStream() }
        #expect(try client.readChunk() == nil)
        try client.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponseHead().status == 200)
    }

    @Test func aStreamWithAContentLengthIsSentUnchunked() throws {
        let held = Locked<HTTPResponder?>(nil)
        let server = try TestServer { _, responder, _ in
            held.value = responder
            responder.startStream(status: 201, headers: [:], contentLength: 10)
            responder.writeChunk(Array("0123".utf8))
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET /sized HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponseHead()
        #expect(head.status == 201)
        #expect(head.header("Content-Length") == "10")
        #expect(head.header("Transfer-Encoding") == nil)
        #expect(try client.readBytes(4) == Array("0123".utf8))
        server.perform { _, _ in
            held.value?.writeChunk(Array("456789".utf8))
            held.value?.finishStream()
        }
        #expect(try client.readBytes(6) == Array("456789".utf8))
        try client.send("GET /sized HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponseHead().status == 201)
    }

    @Test func anHTTP10StreamEndsWithTheConnection() throws {
        let server = try TestServer { _, responder, _ in
            responder.startStream(status: 200, headers: [:])
            responder.writeChunk(Array("no ".utf8))
            responder.writeChunk(Array("chunks".utf8))
            responder.finishStream()
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET / HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Transfer-Encoding") == nil)
        #expect(response.text == "no chunks")
        #expect(client.isClosedByPeer())
    }
}
