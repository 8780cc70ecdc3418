import Foundation
import HTTPServer
import Testing
import TestSupport

/// `HTTPServer.headCheck`: a request refused at its head is answered
/// without its body being read, in turn after earlier answers, and the
/// connection closes; the handler never sees it. A request let through
/// reaches the handler with what the check made of its head.
@Suite struct RefusalBeforeBodyTests {
    /// Refuses every target under `/secret`, and classifies the others by
    /// the length of their path.
    func server(handler: @escaping TestServer.Handler = echoHandler) throws -> TestServer {
        let server = try TestServer(handler: handler)
        server.sync { server, _ in
            server.headCheck = { head in
                head.path.hasPrefix("/secret")
                    ? .refuse(HTTPResponse(status: 401, body: Array("no key\n".utf8)))
                    : .proceed(classification: head.path.utf8.count)
            }
        }
        return server
    }

    @Test func eachRequestLetThroughCarriesItsOwnClassification() throws {
        let server = try server { request, responder, _ in
            responder.send(HTTPResponse(status: 200, body: Array("\(request.classification ?? -1)".utf8)))
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send(
            "GET /a HTTP/1.1\r\nHost: x\r\n\r\n" + "POST /abcd?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        #expect(try client.readResponse().text == "2")
        #expect(try client.readResponse().text == "5")
    }

    @Test func withoutACheckRequestsCarryNoClassification() throws {
        let server = try TestServer { request, responder, _ in
            responder.send(HTTPResponse(status: 200, body: Array("\(request.classification ?? -1)".utf8)))
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().text == "-1")
    }

    @Test func aRefusedRequestIsAnsweredWithoutItsBodyAfterTheAnswersBeforeIt() throws {
        let server = try server()
        let client = try RawHTTPConnection(port: server.port)
        // A body of a megabyte is declared and never sent.
        try client.send(
            "GET /open HTTP/1.1\r\nHost: x\r\n\r\n" + "POST /secret HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc")
        #expect(try client.readResponse().text == echoed("GET", "/open"))
        let refused = try client.readResponse()
        #expect(refused.status == 401)
        #expect(refused.text == "no key\n")
        #expect(refused.header("Connection") == "close")
        #expect(client.isClosedByPeer(timeout: 10))
    }

    @Test func aRefusedRequestExpectingContinueGetsTheRefusalInstead() throws {
        let server = try server()
        let client = try RawHTTPConnection(port: server.port)
        try client.send("POST /secret HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(try client.readResponse().status == 401)
    }

    @Test func aRefusedHEADGetsNoBody() throws {
        let server = try server()
        let client = try RawHTTPConnection(port: server.port)
        try client.send("HEAD /secret HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = String(decoding: try client.readUntilClosed(timeout: 10), as: UTF8.self)
        #expect(refused.hasPrefix("HTTP/1.1 401 "), "\(refused)")
        #expect(refused.hasSuffix("\r\n\r\n"), "a body followed the head: \(refused)")
    }

    @Test func requestsItLetsThroughAreServedWhole() throws {
        let server = try server()
        let client = try RawHTTPConnection(port: server.port)
        try client.send("POST /open HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        #expect(try client.readResponse().text == echoed("POST", "/open", body: "hello"))
    }
}
