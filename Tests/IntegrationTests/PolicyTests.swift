import Foundation
import Testing
import TestSupport

/// Which worker gets each request, seen from the mocks' request records.
@Suite struct PolicyTests {
    @Test(arguments: ["round-robin", "round_robin"])
    func roundRobinAlternates(policy: String) throws {
        let first = try MockWorkerProcess(), second = try MockWorkerProcess()
        try expectStrictAlternation(through: RouterProcess(mocks: [first, second], ["--policy", policy]), between: first, second)
    }

    @Test func roundRobinIsTheDefault() throws {
        let first = try MockWorkerProcess(), second = try MockWorkerProcess()
        try expectStrictAlternation(through: RouterProcess(mocks: [first, second]), between: first, second)
    }

    @Test func leastInFlightBreaksTiesByRegistrationOrder() throws {
        // Registered neither in port nor in URL order: the first has the
        // middle port, so a tie broken by address would pick another worker.
        let byPort = try (0..<3).map { _ in try MockWorkerProcess() }.sorted { $0.port < $1.port }
        let (first, second, third) = (byPort[1], byPort[2], byPort[0])
        let router = try RouterProcess(mocks: [first, second, third], ["--policy", "least-inflight"])
        for index in 0..<4 { #expect(try router.generate(rid: "idle\(index)").status == 200) }
        #expect(try first.rids() == (0..<4).map { "idle\($0)" })
        #expect(try second.rids().isEmpty && third.rids().isEmpty)

        // Hold a long generation on the first worker (idle tie → first).
        try first.configure(["latency_per_token_ms": 100])
        let held = try router.startGenerate(rid: "held", maxNewTokens: 10_000)
        #expect(eventually(timeout: 30) { (try? router.metrics().workerLoads[first.url]) == 1 })
        #expect(eventually(timeout: 30) { (try? first.rids().last) == "held" })

        // The other two tie: the earlier registered gets every request.
        for index in 0..<4 { #expect(try router.generate(rid: "busy\(index)").status == 200) }
        #expect(try second.rids() == (0..<4).map { "busy\($0)" })
        #expect(try third.rids().isEmpty)

        // Closing the held request frees the first worker again.
        held.close()
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 0 })
        try first.configure(["latency_per_token_ms": 0])
        #expect(try router.generate(rid: "after").status == 200)
        #expect(try first.rids().last == "after")
    }

    @Test func powerOfTwoSendsToTheLessLoadedWorker() throws {
        let first = try MockWorkerProcess(), second = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [first, second], ["--policy", "power-of-two"])
        try first.configure(["latency_per_token_ms": 100])
        try second.configure(["latency_per_token_ms": 100])
        let held = try router.startGenerate(rid: "held", maxNewTokens: 10_000)
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 1 })
        let loads = try router.metrics().workerLoads
        let (busy, idle) = loads[first.url] == 1 ? (first, second) : (second, first)
        try idle.configure(["latency_per_token_ms": 0])
        // With two workers both are always the candidates: the idle one wins.
        for index in 0..<6 { #expect(try router.generate(rid: "p\(index)").status == 200) }
        #expect(try idle.rids() == (0..<6).map { "p\($0)" })
        #expect(try busy.rids() == ["held"])
        held.close()
    }

    @Test func powerOfTwoSpreadsConcurrentRequests() throws {
        let first = try MockWorkerProcess(), second = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [first, second], ["--policy", "power-of-two"])
        try first.configure(["latency_per_token_ms": 100])
        try second.configure(["latency_per_token_ms": 100])
        // Two requests held at once cannot both sit on one worker: the
        // second sees one in flight there and none on the other.
        let one = try router.startGenerate(rid: "one", maxNewTokens: 10_000)
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 1 })
        let two = try router.startGenerate(rid: "two", maxNewTokens: 10_000)
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 2 })
        #expect(try router.metrics().workerLoads == [first.url: 1, second.url: 1])
        one.close()
        two.close()
    }

    @Test func randomSpreadsOverBothWorkers() throws {
        let first = try MockWorkerProcess(), second = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [first, second], ["--policy", "random"])
        // 40 fair coin flips all landing on one side: probability 2^-39.
        for index in 0..<40 { #expect(try router.generate(rid: "r\(index)", maxNewTokens: 1).status == 200) }
        let a = try first.rids().count, b = try second.rids().count
        #expect(a + b == 40)
        #expect(a > 0 && b > 0, "first \(a), second \(b)")
    }

    @Test func aWorkerAddedAtRunTimeJoinsTheRotation() throws {
        let first = try MockWorkerProcess(), second = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [first])
        #expect(try router.generate(rid: "before").status == 200)
        #expect(try router.request("POST", "/add_worker", json: ["url": second.url]).status == 200)
        for index in 0..<4 { #expect(try router.generate(rid: "r\(index)").status == 200) }
        #expect(try first.rids().count == 3)
        #expect(try second.rids().count == 2)
    }

    /// Sends ten requests through `router` and expects one worker to get
    /// the even ones and the other the odd ones.
    private func expectStrictAlternation(through router: RouterProcess, between first: MockWorkerProcess, _ second: MockWorkerProcess)
        throws
    {
        for index in 0..<10 {
            #expect(try router.generate(rid: "r\(index)").status == 200)
        }
        let a = try first.rids(), b = try second.rids()
        let evens = (0..<5).map { "r\($0 * 2)" }, odds = (0..<5).map { "r\($0 * 2 + 1)" }
        #expect((a == evens && b == odds) || (a == odds && b == evens), "first \(a), second \(b)")
    }
}
