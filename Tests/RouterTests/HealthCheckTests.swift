import Foundation
import Testing
import TestSupport

/// Background `GET /health` probes take a failing worker out of rotation and
/// bring it back after consecutive successes.
@Suite struct HealthCheckTests {
    static let fastChecks = ["--health-check-interval", "0.1", "--health-check-timeout", "5",
                             "--health-failure-threshold", "2", "--health-success-threshold", "2"]

    /// `slime_router_worker_healthy{worker="…"}` from the Prometheus text.
    func prometheusHealthy(_ router: Router, _ url: String) throws -> String? {
        let text = try router.request("GET", "/metrics?format=prometheus").text
        return text.split(separator: "\n")
            .first { $0.hasPrefix("slime_router_worker_healthy{") && $0.contains("\"\(url)\"") }
            .map { String($0.split(separator: " ").last ?? "") }
    }

    @Test func anUnhealthyWorkerIsTakenOutAndBroughtBack() throws {
        let sick = try Mock(), well = try Mock()
        let router = try Router(mocks: [sick, well], Self.fastChecks)
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

    @Test func allWorkersUnhealthyAnswers503() throws {
        let sick = try Mock()
        let router = try Router(mocks: [sick], Self.fastChecks)
        try sick.configure(["fail_health": true])
        #expect(eventually(timeout: 30) { (try? router.metrics().activeWorkers) == 0 })
        #expect(try router.request("GET", "/readiness").status == 503)
        let response = try router.generate(rid: "none")
        #expect(response.status == 503)
        #expect(errorMessage(response) != nil)
        #expect(try sick.rids().isEmpty)
    }

    @Test func aWorkerThatStopsAnsweringIsTakenOut() throws {
        let dying = try Mock(), well = try Mock()
        let router = try Router(mocks: [dying, well], Self.fastChecks)
        dying.process.terminate()
        #expect(eventually(timeout: 30) { (try? router.metrics().activeWorkers) == 1 })
        for index in 0..<4 { #expect(try router.generate(rid: "r\(index)").status == 200) }
        #expect(try well.rids().count == 4)
    }

    @Test func disabledHealthChecksKeepAFailingWorker() throws {
        let sick = try Mock()
        let router = try Router(mocks: [sick], ["--disable-health-check", "--health-check-interval", "0.1"])
        try sick.configure(["fail_health": true])
        // Nothing to wait for: check the state stays put over many would-be intervals.
        for index in 0..<10 {
            #expect(try router.generate(rid: "r\(index)").status == 200)
            #expect(try router.metrics().activeWorkers == 1)
        }
        #expect(try sick.rids().count == 10)
    }
}
