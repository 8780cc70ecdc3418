import HTTPServer
import Testing
import TestSupport

/// `HTTPResponder.carryOnEveryResponse`: set once for a request, the fields
/// of that name carried by whatever answers it, whole or streamed, unless the
/// answer names the header itself; the list's other fields are not.
@Suite struct HeadersForEveryResponseTests {
    @Test func wholeStreamedAndNamedAnswers() throws {
        let server = try TestServer { request, responder, _ in
            responder.carryOnEveryResponse(fieldsNamed: "x-trace", of: [("X-Left", "out"), ("X-Trace", "t-1")])
            switch request.path {
            case "/whole": responder.send(HTTPResponse(status: 404, headers: ["X-Kind": "whole"], body: Array("no".utf8)))
            case "/stream":
                responder.startStream(status: 200, headers: [:])
                responder.writeChunk(Array("streamed".utf8))
                responder.finishStream()
            default: responder.send(HTTPResponse(status: 200, headers: ["x-trace": "own"]))
            }
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send(
            "GET /whole HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /named HTTP/1.1\r\nHost: x\r\n\r\n")
        let whole = try client.readResponse()
        #expect(whole.status == 404)
        #expect(whole.header("X-Trace") == "t-1")
        #expect(whole.header("X-Kind") == "whole")
        #expect(whole.header("X-Left") == nil)
        #expect(whole.text == "no")
        let streamed = try client.readResponse()
        #expect(streamed.header("X-Trace") == "t-1")
        #expect(streamed.text == "streamed")
        #expect(streamed.header("X-Left") == nil)
        let named = try client.readResponse()
        #expect(named.headers.filter { $0.name.lowercased() == "x-trace" }.map(\.value) == ["own"])
    }
}
