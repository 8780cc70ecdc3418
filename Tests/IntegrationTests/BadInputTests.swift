import Foundation
import Testing
import TestSupport

/// Nothing a client sends takes the router down: bad input gets a clear 4xx
/// and the router keeps answering.
@Suite struct BadInputTests {
    /// The router still answers its own and proxied routes.
    func expectAlive(_ router: RouterProcess, _ mock: MockWorkerProcess, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try router.request("GET", "/health").status == 200, sourceLocation: sourceLocation)
        #expect(try router.generate(rid: "alive").status == 200, sourceLocation: sourceLocation)
        #expect(router.process.waitForExit(timeout: 0) == nil, "router exited", sourceLocation: sourceLocation)
    }

    /// Raw request text, shown escaped in test names.
    struct RawRequest: CustomTestStringConvertible, Sendable {
        let text: String
        var testDescription: String { text.debugDescription }
    }

    @Test(
        arguments: [
            "GARBAGE\r\n\r\n",
            "GET / HTTP/9.9\r\n\r\n",
            "GET /generate HTTP/1.1\r\nHost x\r\n\r\n",
            "POST /generate HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            "POST /generate HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
            "POST /generate HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET /\u{0}\u{1} HTTP/1.1\r\n\r\n",
            "\u{16}\u{3}\u{1}\u{0}\u{a5}\u{1}\u{0}\u{0}",  // a TLS ClientHello's first bytes
        ].map(RawRequest.init))
    func malformedHTTPAnswers400AndCloses(request: RawRequest) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let connection = try RawHTTPConnection(port: router.port)
        try connection.send(request.text)
        let response = try connection.readResponse(timeout: 60)
        #expect(response.status == 400)
        #expect(errorMessage(response) != nil, "no JSON error: \(response.text)")
        #expect(connection.isClosedByPeer(timeout: 30))
        #expect(try mock.requests().isEmpty)
        try expectAlive(router, mock)
    }

    @Test func aClientThatSendsHalfARequestAndLeavesChangesNothing() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        for partial in ["POST /generate HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"te", "GET /mock/ec", "POST /add_worker HTTP/1.1\r\n"] {
            let connection = try RawHTTPConnection(port: router.port)
            try connection.send(partial)
            connection.close()
        }
        try expectAlive(router, mock)
        #expect(try mock.rids() == ["alive"])
        #expect(try router.workerURLs() == [mock.url])
    }

    @Test func badJSONToAddWorkerAnswers400() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        for body in ["{", "{\"url\": }", "[1, 2", "\u{0}", "{\"url\": \"http://a:1\"} trailing", String(repeating: "[", count: 100_000)] {
            let response = try router.request(
                "POST", "/add_worker", headers: [("Content-Type", "application/json")],
                body: Array(body.utf8))
            #expect(response.status == 400, "\(body.prefix(20)): \(response.status)")
            #expect(errorMessage(response) != nil)
        }
        #expect(try router.workerURLs() == [mock.url])
        try expectAlive(router, mock)
    }

    @Test func invalidUTF8InAJSONStringAnswers400() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let bodies: [[UInt8]] = [
            Array(#"{"url": "http://127.0.0.1:"#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
            Array(#"{"url": "http://h"#.utf8) + [0xC3] + Array(#":1"}"#.utf8),  // truncated sequence
            Array(#"{"url": "http://h"#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),  // a surrogate
            Array(#"{""#.utf8) + [0xC0, 0xAF] + Array(#"url": "http://h:1"}"#.utf8),  // overlong, in a key
        ]
        for body in bodies {
            let response = try router.request("POST", "/add_worker", headers: [("Content-Type", "application/json")], body: body)
            #expect(response.status == 400, "\(body): \(response.status) \(response.text)")
            #expect(errorMessage(response) != nil)
        }
        #expect(try router.workerURLs() == [mock.url])
        try expectAlive(router, mock)
    }

    @Test func invalidUTF8InAQueryURLAnswers400() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        // %FF decodes to a byte that is not UTF-8: not a usable worker URL.
        let response = try router.request("POST", "/add_worker?url=http://127.0.0.1:%FF%FE")
        #expect(response.status == 400, "\(response.status): \(response.text)")
        #expect(errorMessage(response) != nil)
        #expect(try router.workerURLs() == [mock.url])
        try expectAlive(router, mock)
    }

    @Test func aWorkerURLWithAPathPrefixIsUsedAsGiven() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess()
        // A base URL with a path: requests go to base + path.
        #expect(try router.request("POST", "/add_worker", json: ["url": mock.url + "/mock"]).status == 200)
        let response = try router.request("GET", "/echo?via=prefix")
        #expect(response.status == 200)
        #expect(try jsonObject(response)["target"] as? String == "/mock/echo?via=prefix")
    }

    @Test func manyConnectionsOpenedAndDroppedAtOnce() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let port = router.port
        let outcomes = onThreads(32) { index -> Bool in
            let connection = try RawHTTPConnection(port: port)
            switch index % 4 {
            case 0: try connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")  // leave without reading
            case 1: try connection.send("NOT HTTP AT ALL\r\n\r\n")
            case 2: try connection.send("POST /generate HTTP/1.1\r\nContent-Length: 10\r\n\r\n")
            default: break
            }
            connection.close()
            return true
        }
        #expect(outcomes.allSatisfy { (try? $0.get()) == true })
        try expectAlive(router, mock)
    }
}
