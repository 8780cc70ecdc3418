import Foundation
import Testing
import TestSupport

/// Aborts reach the worker that runs the generation: `/abort_request`
/// through the router, and a client that hangs up mid-generation.
@Suite struct AbortTests {
    @Test func abortRequestReachesOnlyTheWorkerRunningTheRid() throws {
        let mocks = try [MockWorkerProcess(), MockWorkerProcess()]
        for mock in mocks { try mock.configure(["latency_per_token_ms": 50]) }
        let router = try RouterProcess(mocks: mocks)
        let held = try router.startGenerate(rid: "long", maxNewTokens: 200)
        defer { held.close() }
        #expect(eventually { mocks.contains { (try? $0.running()) == 1 } })
        let running = try #require(mocks.first { (try? $0.running()) == 1 })
        let idle = try #require(mocks.first { $0 !== running })

        let response = try router.post("/abort_request", json: ["rid": "long"])
        #expect(response.status == 200, "\(response.text)")
        #expect(try running.aborts().map { $0["rid"] as? String } == ["long"])
        #expect(try idle.aborts().isEmpty)

        // The generation ends aborted and is delivered as it is: not resent elsewhere.
        let answer = try held.readResponse(timeout: 30)
        #expect(answer.status == 200)
        #expect(answer.text.contains(#""abort""#), "\(answer.text.prefix(300))")
        #expect(try idle.rids().isEmpty)
    }

    @Test func anUnknownRidAndAbortAllGoToEveryWorker() throws {
        let mocks = try [MockWorkerProcess(), MockWorkerProcess()]
        let router = try RouterProcess(mocks: mocks)
        #expect(try router.post("/abort_request", json: ["rid": "never-seen"]).status == 200)
        #expect(try router.post("/abort_request", json: ["abort_all": true]).status == 200)
        for mock in mocks { #expect(try mock.aborts().count == 2) }
        #expect(try router.post("/abort_request", raw: "[1]").status == 400)
        #expect(try router.routerMetric("forwarded_aborts") == 2)
        #expect(
            try router.request("GET", "/metrics?format=prometheus").text
                .contains(#"slime_router_forwarded_aborts_total{reason="client_request"} 2"#))
    }

    @Test(arguments: [false, true])
    func aClientThatHangsUpMidGenerationHasItsRidAbortedAtTheWorker(stream: Bool) throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["latency_per_token_ms": 50])
        let router = try RouterProcess(mocks: [mock])
        let held = try router.startGenerate(rid: "hung-up", maxNewTokens: 200, stream: stream)
        #expect(eventually { (try? mock.running()) == 1 })
        held.close()
        #expect(eventually { (try? mock.aborts().map { $0["rid"] as? String }) == ["hung-up"] })
        #expect(
            try router.request("GET", "/metrics?format=prometheus").text
                .contains(#"slime_router_forwarded_aborts_total{reason="client_gone"} 1"#))
    }
}
