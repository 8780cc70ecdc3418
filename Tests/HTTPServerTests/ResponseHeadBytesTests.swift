import HTTPServer
import Testing
import TestSupport

/// The server's answers byte for byte: its fixed header text (length,
/// chunking, `Connection`, the blank line) in every combination it writes.
@Suite struct ResponseHeadBytesTests {
    /// `/stream` answers as a chunked stream, anything else as a whole response.
    static let handler: TestServer.Handler = { request, responder, _ in
        if request.target == "/stream" {
            responder.startStream(status: 200, headers: ["X-A": "1"])
            responder.writeChunk(Array("hello".utf8))
            responder.finishStream()
        } else {
            responder.send(HTTPResponse(status: 200, headers: ["X-A": "1"], body: Array("hello".utf8)))
        }
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello"),
        (
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        ),
        (
            "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello"
        ),
        (
            "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        ),
    ])
    func anAnswerIsWrittenByteForByte(request: String, expected: String) throws {
        let server = try TestServer(handler: Self.handler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send(request)
        #expect(String(decoding: try client.readBytes(expected.utf8.count), as: UTF8.self) == expected)
        client.close()
    }
}
