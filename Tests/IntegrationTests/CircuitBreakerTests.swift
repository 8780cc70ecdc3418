import Foundation
import Testing
import TestSupport

/// A worker that fails opens its circuit: no requests reach it until the
/// cool-down passed; a probe then goes, and its success closes the circuit.
/// The state shows in `/workers` and in the Prometheus series.
@Suite struct CircuitBreakerTests {
    private func circuit(_ router: RouterProcess) throws -> String? {
        let workers = try jsonObject(router.request("GET", "/workers"))["workers"] as? [[String: Any]]
        return workers?.first?["circuit"] as? String
    }

    private func circuitSeries(_ router: RouterProcess, _ mock: MockWorkerProcess, state: String) throws -> Bool {
        let text = try router.request("GET", "/metrics", headers: [("Accept", "text/plain")]).text
        return text.contains(#"slime_router_worker_circuit_state{worker="\#(mock.url)",state="\#(state)"} 1"#)
    }

    @Test func failuresOpenTheCircuitAndASuccessfulProbeClosesIt() throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["error_rate": 1.0])
        let router = try RouterProcess(
            mocks: [mock],
            [
                "--disable-health-check", "--retry-attempts", "1", "--queue-size", "0",
                "--cb-failure-threshold", "2", "--cb-success-threshold", "1", "--cb-timeout-duration-secs", "1",
            ])
        #expect(try circuit(router) == "closed")
        #expect(try router.generate(rid: "fail-1").status == 500)
        #expect(try router.generate(rid: "fail-2").status == 500)
        #expect(try circuit(router) == "open")
        #expect(try circuitSeries(router, mock, state: "open"), "no open circuit series")

        // Open: the worker gets nothing.
        let refused = try router.generate(rid: "while-open")
        #expect(refused.status == 503, "\(refused.text)")
        #expect(try !mock.rids().contains("while-open"))

        try mock.configure(["error_rate": 0.0])
        #expect(eventually { (try? circuit(router)) == "half_open" })
        #expect(try router.generate(rid: "probe").status == 200)
        #expect(try circuit(router) == "closed")
        #expect(try circuitSeries(router, mock, state: "closed"), "no closed circuit series")
    }

    @Test func disabledTheCircuitNeverOpens() throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["error_rate": 1.0])
        let router = try RouterProcess(
            mocks: [mock],
            [
                "--disable-health-check", "--retry-attempts", "1", "--cb-failure-threshold", "1", "--disable-circuit-breaker",
            ])
        for index in 0..<3 { #expect(try router.generate(rid: "f\(index)").status == 500) }
        #expect(try circuit(router) == "closed")
    }
}
