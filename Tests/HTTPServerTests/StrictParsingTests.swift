import Foundation
import HTTPServer
import Testing
import TestSupport

/// What RFC 9112 lets a recipient reject and the server does reject: each
/// of these is read one way by some proxies and another way by others, which
/// is how requests get smuggled past the proxy in front.
@Suite struct StrictParsingTests {
    /// Sends `pieces` one after the other and expects `status`, an error
    /// body (the server's plain-text default), and the connection closed afterwards.
    private func expectRefusal(_ pieces: [String], status: Int = 400) throws -> HTTPTestResponse {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        for piece in pieces { try client.send(piece) }
        let response = try client.readResponse()
        #expect(response.status == status, "\(pieces) answered \(response.status): \(response.text)")
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8" && !response.body.isEmpty)
        #expect(client.isClosedByPeer())
        return response
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: x\r\nFoo : bar\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nFoo\t: bar\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
    ])
    func whitespaceBetweenNameAndColon(request: String) throws {
        _ = try expectRefusal([request])
    }

    @Test(arguments: [
        // Duplicate, even when equal; a list; conflicting.
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        // With Transfer-Encoding, in either order.
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ])
    func ambiguousContentLength(request: String) throws {
        _ = try expectRefusal([request])
    }

    @Test(arguments: [
        "gzip, chunked", "gzip", "identity", "chunked, chunked", "xchunked", "chunked;q=1",
    ])
    func transferCodingsOtherThanChunked(coding: String) throws {
        _ = try expectRefusal(["POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \(coding)\r\n\r\n0\r\n\r\n"])
    }

    @Test func transferEncodingTwice() throws {
        _ = try expectRefusal(["POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"])
    }

    @Test(arguments: [
        ["GET / HTTP/1.1\r\nHost: x\r\nFoo: bar\r\n baz\r\n\r\n"],
        ["GET / HTTP/1.1\r\nHost: x\r\nFoo: bar\r\n\tbaz\r\n\r\n"],
        ["GET / HTTP/1.1\r\nHost: x\r\nFoo:\r\n bar\r\n\r\n"],
        // The fold in a later read than the line it continues.
        ["GET / HTTP/1.1\r\nHost: x\r\nFoo: bar\r\n", " baz\r\n\r\n"],
        ["GET / HTTP/1.1\r\nHost: x\r\nFoo: bar\r\n  ", "  baz\r\n\r\n"],
    ])
    func obsoleteLineFolding(pieces: [String]) throws {
        let response = try expectRefusal(pieces)
        #expect(response.text.contains("folding"), "\(response.text)")
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: x\r\nFoo: b\rar\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nFoo: bar\r\r\n\r\n",
        "GET / HTTP/1.1\rHost: x\r\n\r\n",
        "GET /a\rb HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\r\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;a\rb\r\nx\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\rx\r\n0\r\n\r\n",
    ])
    func bareCarriageReturn(request: String) throws {
        _ = try expectRefusal([request])
    }

    @Test func connectAnswers405WithTheAllowedMethods() throws {
        let response = try expectRefusal(["CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"], status: 405)
        let allowed = try #require(response.header("Allow"))
        #expect(allowed.contains("POST"))
        #expect(!allowed.contains("CONNECT"))
    }

    @Test func anAbsoluteFormTargetNamingTheServerIsServedAsItsPath() throws {
        let server = try TestServer { request, responder, _ in
            responder.send(HTTPResponse(status: 200, body: Array("\(request.target) \(request.headers["Host"] ?? "-")".utf8)))
        }
        for host in ["127.0.0.1", "LOCALHOST"] {
            let response = try httpRequest("GET", port: server.port, path: "http://\(host):\(server.port)/echo?x=1")
            #expect(response.status == 200)
            #expect(response.text == "/echo?x=1 \(host):\(server.port)")
        }
        let noPath = try httpRequest("GET", port: server.port, path: "HTTP://127.0.0.1:\(server.port)?q")
        #expect(noPath.text == "/?q 127.0.0.1:\(server.port)")
    }

    @Test(arguments: [
        "http://example.com/", "http://example.com:PORT/", "http://127.0.0.1:1/", "http://127.0.0.1/",
        "https://127.0.0.1:PORT/", "http://user@127.0.0.1:PORT/", "http://127.0.0.1:PORTx/",
        "http://:PORT/", "http://[::1/", "example.com:80",
    ])
    func anAbsoluteFormTargetNamingAnotherServerAnswers400(target: String) throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET \(target.replacingOccurrences(of: "PORT", with: "\(server.port)")) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 400)
        #expect(client.isClosedByPeer())
    }

    /// What the checks must not refuse: a value split across reads at a
    /// space (sent a byte at a time), empty values, and list-valued fields.
    @Test func strictnessRefusesNoValidRequest() throws {
        let server = try TestServer { request, responder, _ in
            let fields = request.headers.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
            responder.send(HTTPResponse(status: 200, body: Array(fields.utf8) + [0x0A] + request.body))
        }
        let client = try RawHTTPConnection(port: server.port)
        let request =
            "POST / HTTP/1.1\r\nHost: x\r\nA: one two\t three\r\nEmpty:\r\nB:   \r\n"
            + "Accept: a, b\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        for byte in request.utf8 { try client.send([byte]) }
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "Host=x|A=one two\t three|Empty=|B=|Accept=a, b|Transfer-Encoding=Chunked\nabc")
    }
}
