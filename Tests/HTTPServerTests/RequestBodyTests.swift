import Foundation
import HTTPServer
import Testing
import TestSupport

/// Request bodies framed by Content-Length or chunked, however they arrive.
@Suite struct RequestBodyTests {
    @Test func contentLengthBodySplitAcrossWrites() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("PUT /doc HTTP/1.1\r\nHost: x\r\nContent-Le")
        try client.send("ngth: 11\r\n\r\nhello")
        try client.send(" world")
        #expect(try client.readResponse().text == echoed("PUT", "/doc", body: "hello world"))
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send(
            "POST /chunks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6;flag\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n")
        #expect(try client.readResponse().text == echoed("POST", "/chunks", body: "hello world"))
    }

    /// Trailers are not header fields: none of them reaches the handler
    /// (which would forward them to a worker as if the client had sent them).
    @Test func trailersOfAChunkedBodyAreNotAddedToTheHeaders() throws {
        let server = try TestServer { request, responder, _ in
            responder.send(HTTPResponse(status: 200, body: Array(request.headers.map(\.name).joined(separator: ",").utf8)))
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send(
            "POST /trailed HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\na\r\n0\r\nX-A: 1\r\nX-B: 2\r\n\r\n")
        #expect(try client.readResponse().text == "Host,Transfer-Encoding")
    }

    @Test func chunkedBodySentByteByByte() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        let request =
            "POST /slowly HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"
        for byte in request.utf8 {
            try client.send([byte])
            usleep(500)  // pacing, so that the server reads the pieces separately
        }
        #expect(try client.readResponse().text == echoed("POST", "/slowly", body: "abc0123456789abcdef"))
        // The connection is still usable afterwards.
        try client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().text == echoed("GET", "/after"))
    }

    @Test func expectContinueGetsAnInterimResponseBeforeTheBodyIsSent() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        try client.send("data")
        #expect(try client.readResponse().text == echoed("POST", "/upload", body: "data"))
    }

    @Test func expectContinueWithATooLargeBodyGets413WithoutAnInterimResponse() throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxBodyBytes = 16
        let server = try TestServer(configuration: configuration, handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n")
        #expect(try client.readResponse().status == 413)
        #expect(client.isClosedByPeer())
    }
}
