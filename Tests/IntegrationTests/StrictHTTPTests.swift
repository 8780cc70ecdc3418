import Foundation
import Testing
import TestSupport

/// The real router refuses what proxies in front of it may read differently
/// (the HTTP server's own tests cover each case; these show the router
/// process is built that way) and is no forward proxy.
@Suite struct StrictHTTPTests {
    private func send(_ request: String, to router: RouterProcess) throws -> (HTTPTestResponse, closed: Bool) {
        let client = try RawHTTPConnection(port: router.port)
        try client.send(request)
        let response = try client.readResponse()
        return (response, client.isClosedByPeer())
    }

    @Test func connectIsRefusedNotProxied() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let (response, closed) = try send("CONNECT 127.0.0.1:\(mock.port) HTTP/1.1\r\nHost: 127.0.0.1:\(mock.port)\r\n\r\n", to: router)
        #expect(response.status == 405)
        #expect(response.header("Allow") != nil)
        #expect(errorMessage(response) != nil)
        #expect(closed)
    }

    @Test func whitespaceBeforeAColonAnswers400() throws {
        let router = try RouterProcess()
        let (response, closed) = try send("GET /health HTTP/1.1\r\nHost: x\r\nX-Forwarded-For : 1.2.3.4\r\n\r\n", to: router)
        #expect(response.status == 400)
        #expect(closed)
    }

    @Test func absoluteFormServesOnlyTheRoutersOwnAddress() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let own = try router.request("GET", "http://127.0.0.1:\(router.port)/list_workers")
        #expect(own.status == 200)
        #expect(try jsonObject(own)["urls"] as? [String] == [mock.url])
        // What a client configured with the router as its HTTP proxy sends.
        let (foreign, closed) = try send("GET \(mock.url)/get_model_info HTTP/1.1\r\nHost: 127.0.0.1:\(mock.port)\r\n\r\n", to: router)
        #expect(foreign.status == 400)
        #expect(closed)
    }
}
