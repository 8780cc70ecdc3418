import Foundation
import HTTPServer
import Testing
import TestSupport

/// Requests the server refuses: an error (plain text unless the
/// configuration's `errorResponse` shapes it), then the connection closes.
@Suite struct LimitsTests {
    static var smallLimits: HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.maxHeaderBytes = 1024
        configuration.maxBodyBytes = 16
        return configuration
    }

    /// Sends `request`, expects an error of `status` and the connection closed.
    private func expectRejection(_ request: String, status: Int, configuration: HTTPServerConfiguration = smallLimits) throws {
        let server = try TestServer(configuration: configuration, handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status)
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(response.text.count > 1 && response.text.hasSuffix("\n"), "body: \(response.text)")
        #expect(client.isClosedByPeer())
    }

    @Test func theConfiguredErrorResponseShapesRefusals() throws {
        var configuration = Self.smallLimits
        configuration.errorResponse = { status, message in
            HTTPResponse(
                status: status, headers: ["Content-Type": "application/x-test"],
                body: Array("refused \(status): \(message)".utf8))
        }
        let server = try TestServer(configuration: configuration, handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Content-Type") == "application/x-test")
        #expect(response.text == "refused 413: request body exceeds 16 bytes")
        #expect(client.isClosedByPeer())
    }

    @Test func oversizedHeadersAnswer431() throws {
        let big = String(repeating: "v", count: 2000)
        try expectRejection("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n", status: 431)
    }

    @Test func anOversizedDeclaredBodyAnswers413() throws {
        try expectRejection("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n", status: 413)
    }

    @Test func anOversizedChunkedBodyAnswers413() throws {
        try expectRejection(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n", status: 413)
    }

    @Test(arguments: [
        "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "\u{1}\u{2}\u{3}\r\n\r\n",
        // Both framings at once is how requests get smuggled past proxies.
        "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ])
    func malformedRequestsAnswer400(request: String) throws {
        try expectRejection(request, status: 400)
    }

    @Test func aRequestThatArrivesTooSlowlyAnswers408() throws {
        var configuration = HTTPServerConfiguration()
        configuration.requestReadTimeoutMilliseconds = 300
        try expectRejection(
            "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nonly", status: 408,
            configuration: configuration)
    }

    @Test func unfinishedHeadersAlsoTimeOut() throws {
        var configuration = HTTPServerConfiguration()
        configuration.requestReadTimeoutMilliseconds = 300
        try expectRejection("GET /slow HTTP/1.1\r\nHost: x\r\n", status: 408, configuration: configuration)
    }
}
