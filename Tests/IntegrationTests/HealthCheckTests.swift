import Foundation
import Testing
import TestSupport

/// Background `GET /health` probes take a failing worker out of rotation and
/// bring it back after consecutive successes.
@Suite struct HealthCheckTests {
    /// Quick probes, each held by the mock until the test scripts its answer
    /// (the timeout is far beyond any test).
    static let steppedChecks = [
        "--health-check-interval", "0.05", "--health-check-timeout", "600",
        "--health-failure-threshold", "3", "--health-success-threshold", "2",
    ]
    static let fastChecks = [
        "--health-check-interval", "0.1", "--health-check-timeout", "5",
        "--health-failure-threshold", "2", "--health-success-threshold", "2",
    ]

    /// `slime_router_worker_healthy{worker="…"}` from the Prometheus text.
    func prometheusHealthy(_ router: RouterProcess, _ url: String) throws -> String? {
        let text = try router.request("GET", "/metrics?format=prometheus").text
        return text.split(separator: "\n")
            .first { $0.hasPrefix("slime_router_worker_healthy{") && $0.contains("\"\(url)\"") }
            .map { String($0.split(separator: " ").last ?? "") }
    }

    @Test(arguments: WorkerClientKind.allCases)
    func anUnhealthyWorkerIsTakenOutAndBroughtBack(client: WorkerClientKind) throws {
        let sick = try MockWorkerProcess(), well = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [sick, well], Self.fastChecks)
        #expect(eventually(timeout: 30) { (try? router.metrics().activeWorkers) == 2 })

        try sick.configure(["fail_health": true])
        #expect(eventually(timeout: 30) { (try? router.metrics().activeWorkers) == 1 })
        let readiness = try router.request("GET", "/readiness")
        #expect(readiness.status == 200)
        #expect(try jsonObject(readiness)["healthy_workers"] as? Int == 1)
        #expect(try prometheusHealthy(router, sick.url) == "0.0")
        #expect(try prometheusHealthy(router, well.url) == "1.0")
        // Still registered, just not chosen.
        #expect(try router.workerURLs() == [sick.url, well.url])

        for index in 0..<8 { #expect(try router.generate(rid: "out\(index)").status == 200) }
        #expect(try sick.rids().isEmpty)
        #expect(try well.rids() == (0..<8).map { "out\($0)" })

        try sick.configure(["fail_health": false])
        #expect(eventually(timeout: 30) { (try? router.metrics().activeWorkers) == 2 })
        #expect(try prometheusHealthy(router, sick.url) == "1.0")
        for index in 0..<8 { #expect(try router.generate(rid: "back\(index)").status == 200) }
        #expect(try sick.rids().count == 4)
        #expect(try well.rids().count == 12)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func allWorkersUnhealthyAnswers503WithoutAQueue(client: WorkerClientKind) throws {
        let sick = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [sick], Self.fastChecks + ["--queue-size", "0"])
        try sick.configure(["fail_health": true])
        #expect(eventually(timeout: 30) { (try? router.metrics().activeWorkers) == 0 })
        #expect(try router.request("GET", "/readiness").status == 503)
        let response = try router.generate(rid: "none")
        #expect(response.status == 503)
        #expect(errorMessage(response) != nil)
        #expect(try sick.rids().isEmpty)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aWorkerThatStopsAnsweringIsTakenOut(client: WorkerClientKind) throws {
        let dying = try MockWorkerProcess(), well = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [dying, well], Self.fastChecks)
        dying.process.terminate()
        #expect(eventually(timeout: 30) { (try? router.metrics().activeWorkers) == 1 })
        for index in 0..<4 { #expect(try router.generate(rid: "r\(index)").status == 200) }
        #expect(try well.rids().count == 4)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func disabledHealthChecksKeepAFailingWorker(client: WorkerClientKind) throws {
        let sick = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [sick], ["--disable-health-check", "--health-check-interval", "0.1"])
        try sick.configure(["fail_health": true])
        // Nothing to wait for: check the state stays put over many would-be intervals.
        for index in 0..<10 {
            #expect(try router.generate(rid: "r\(index)").status == 200)
            #expect(try router.metrics().activeWorkers == 1)
        }
        #expect(try sick.rids().count == 10)
    }

    /// Answers the mock's next held probes with `statuses`, then waits for
    /// the probe after them to arrive: the router sends a worker's next probe
    /// only once it has taken in the last answer.
    func answerProbes(_ mock: MockWorkerProcess, _ statuses: [Int]) throws {
        let stats = try mock.client.stats()
        let answered = try #require(stats["health_probes"]) - (stats["health_probes_waiting"] ?? 0)
        try mock.configure(["health_answers": statuses])
        let next = answered + statuses.count + 1
        try #require(
            eventually(timeout: 30) {
                let stats = try? mock.client.stats()
                return stats?["health_probes"] == next && stats?["health_probes_waiting"] == 1
            }, "stats: \(String(describing: try? mock.client.stats()))")
    }

    func healthyWorkers(_ router: RouterProcess) throws -> Int { try router.metrics().activeWorkers }

    @Test(arguments: WorkerClientKind.allCases)
    func aWorkerIsTakenOutOnlyAfterTheThresholdOfConsecutiveFailures(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["hold_health": true])
        let router = try RouterProcess(client: client, mocks: [mock], Self.steppedChecks + ["--queue-size", "0"])
        try answerProbes(mock, [503, 503])
        #expect(try healthyWorkers(router) == 1, "2 failures of 3")
        // A success starts the count again.
        try answerProbes(mock, [200, 503, 503])
        #expect(try healthyWorkers(router) == 1, "2 failures of 3 after a success")
        try answerProbes(mock, [503])
        #expect(try healthyWorkers(router) == 0, "3 failures in a row")
        #expect(try router.generate(rid: "out").status == 503)
        #expect(try mock.rids().isEmpty)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aWorkerComesBackOnlyAfterTheThresholdOfConsecutiveSuccesses(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["hold_health": true])
        let router = try RouterProcess(client: client, mocks: [mock], Self.steppedChecks)
        try answerProbes(mock, [503, 503, 503])
        #expect(try healthyWorkers(router) == 0)
        try answerProbes(mock, [200])
        #expect(try healthyWorkers(router) == 0, "1 success of 2")
        // A failure starts the count again.
        try answerProbes(mock, [503, 200])
        #expect(try healthyWorkers(router) == 0, "1 success of 2 after a failure")
        try answerProbes(mock, [200])
        #expect(try healthyWorkers(router) == 1, "2 successes in a row")
        #expect(try router.generate(rid: "back").status == 200)
        #expect(try mock.rids() == ["back"])
    }

    /// Probes the mock never answers: each times out, and after the failure
    /// threshold's worth of them the worker is out.
    @Test(arguments: WorkerClientKind.allCases)
    func aHealthCheckSlowerThanTheTimeoutIsAFailure(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["hold_health": true])
        let router = try RouterProcess(
            client: client, mocks: [mock],
            [
                "--health-check-interval", "0.05", "--health-check-timeout", "0.2",
                "--health-failure-threshold", "2", "--health-success-threshold", "1",
            ])
        // The third probe comes only after the first two timed out.
        #expect(eventually(timeout: 30) { (try? mock.client.stats()["health_probes"]).map { $0 >= 3 } == true })
        #expect(try healthyWorkers(router) == 0)
        // A timed-out probe's connection closes: the mock stops waiting to answer it.
        #expect(eventually(timeout: 30) { (try? mock.client.stats()["health_probes_waiting"]).map { $0 <= 1 } == true })
    }
}
