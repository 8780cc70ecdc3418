import Foundation
import Testing
import TestSupport

/// Clients that close their socket while the router still writes to it:
/// the router's writes then fail with EPIPE, which must never turn into a
/// SIGPIPE that kills the process (it did, with status 141). A thousand
/// rounds each, then the router (and the worker behind it) still answers.
@Suite struct VanishingClientTests {
    static let rounds = 1_000

    @Test func pipelinedRequestsThenClose() throws {
        let router = try RouterProcess()
        let pipeline = String(repeating: "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", count: 10)
        for _ in 0..<Self.rounds {
            let client = try RawHTTPConnection(port: router.port)
            try client.send(pipeline)
            #expect(try client.readResponse().status == 200)
            client.close()  // nine answers unread: the kernel resets the connection
        }
        try expectAnswering(router)
    }

    @Test func closeInTheMiddleOfARequestBody() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        // An answer is owed (the /health before it, and 100 Continue) when
        // the client goes away with only half of the second body sent.
        let body = try JSONSerialization.data(withJSONObject: generateBody(rid: "half", maxNewTokens: 4))
        let partial =
            "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /generate HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\n\r\n" + String(decoding: body.prefix(body.count / 2), as: UTF8.self)
        for _ in 0..<Self.rounds {
            let client = try RawHTTPConnection(port: router.port)
            try client.send(partial)
            client.close()
        }
        try expectAnswering(router)
        #expect(try router.generate(rid: "after").status == 200)
        #expect(try mock.rids() == ["after"], "no half-sent body reached the worker")
    }

    @Test func closeInTheMiddleOfAStreamedAnswer() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        try mock.configure(["latency_per_token_ms": 1])
        for round in 0..<Self.rounds {
            let client = try router.startGenerate(rid: "stream-\(round)", maxNewTokens: 100_000, stream: true)
            #expect(try client.readResponseHead(timeout: 60).status == 200)
            #expect(try client.readChunk(timeout: 60) != nil)
            client.close()
        }
        try expectAnswering(router)
        #expect(mock.process.waitForExit(timeout: 0) == nil, "the worker died too")
        #expect(try router.generate(rid: "after").status == 200)
        // Every abandoned stream was cancelled at the worker.
        #expect(eventually(timeout: 30) { (try? mock.running()) == 0 })
    }

    private func expectAnswering(_ router: RouterProcess) throws {
        #expect(
            router.process.waitForExit(timeout: 0) == nil,
            "router exited: status \(router.process.waitForExit(timeout: 0) ?? -1)")
        #expect(try router.request("GET", "/health").status == 200)
    }
}
