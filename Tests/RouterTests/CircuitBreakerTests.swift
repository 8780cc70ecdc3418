import Testing
@testable import Router

/// A worker's circuit breaker, on a clock the tests move by hand.
@Suite struct CircuitBreakerTests {
    private static let second: UInt64 = 1_000_000_000

    private func breaker(
        failures: Int = 3, successes: Int = 2, window: UInt64 = 10, coolDown: UInt64 = 5,
        enabled: Bool = true
    ) -> CircuitBreaker {
        var configuration = CircuitBreakerConfiguration()
        configuration.failureThreshold = failures
        configuration.successThreshold = successes
        configuration.windowMilliseconds = window * 1_000
        configuration.coolDownMilliseconds = coolDown * 1_000
        configuration.isEnabled = enabled
        return CircuitBreaker(configuration)
    }

    /// Seconds as the breaker's clock reads them (offset so no time is zero).
    private func at(_ seconds: UInt64) -> UInt64 { (100 + seconds) * Self.second }

    @Test func itOpensAfterTheThresholdOfFailuresWithinTheWindow() {
        var circuit = breaker()
        circuit.recordFailure(now: at(0))
        circuit.recordFailure(now: at(1))
        #expect(circuit.state(now: at(1)) == .closed)
        circuit.recordFailure(now: at(2))
        #expect(circuit.state(now: at(2)) == .open)
        #expect(!circuit.admits(now: at(2), inFlight: 0))
    }

    @Test func failuresSpreadWiderThanTheWindowDoNotOpenIt() {
        var circuit = breaker()
        for second in [0, 6, 12, 18, 24] as [UInt64] { circuit.recordFailure(now: at(second)) }
        #expect(circuit.state(now: at(24)) == .closed)
    }

    @Test func afterTheCoolDownOneProbeAtATimeGoes() {
        var circuit = breaker()
        for second in [0, 0, 0] as [UInt64] { circuit.recordFailure(now: at(second)) }
        #expect(!circuit.admits(now: at(4), inFlight: 0))
        #expect(circuit.state(now: at(5)) == .halfOpen)
        #expect(circuit.admits(now: at(5), inFlight: 0))
        #expect(!circuit.admits(now: at(5), inFlight: 1))
    }

    @Test func successfulProbesCloseIt() {
        var circuit = breaker()
        for _ in 0..<3 { circuit.recordFailure(now: at(0)) }
        circuit.recordSuccess(now: at(6))
        #expect(circuit.state(now: at(6)) == .halfOpen)
        circuit.recordSuccess(now: at(7))
        #expect(circuit.state(now: at(7)) == .closed)
        #expect(circuit.admits(now: at(7), inFlight: 10))
    }

    @Test func aFailedProbeOpensItForAnotherCoolDown() {
        var circuit = breaker()
        for _ in 0..<3 { circuit.recordFailure(now: at(0)) }
        circuit.recordSuccess(now: at(6))
        circuit.recordFailure(now: at(7))
        #expect(circuit.state(now: at(11)) == .open)
        #expect(circuit.state(now: at(12)) == .halfOpen)
        // The success before the failure does not count towards closing.
        circuit.recordSuccess(now: at(12))
        #expect(circuit.state(now: at(12)) == .halfOpen)
    }

    /// A restarted worker answers its health check: it takes a probe at once, not after the cool-down.
    @Test func anAnsweredHealthCheckHalfOpensItBeforeTheCoolDown() {
        var circuit = breaker()
        for _ in 0..<3 { circuit.recordFailure(now: at(0)) }
        circuit.recordHealthy(now: at(1))
        #expect(circuit.state(now: at(1)) == .halfOpen)
        #expect(circuit.admits(now: at(1), inFlight: 0))
        // Requests still decide: a failed probe opens it for a whole cool-down again.
        circuit.recordFailure(now: at(2))
        #expect(circuit.state(now: at(6)) == .open)
        #expect(circuit.state(now: at(7)) == .halfOpen)
    }

    /// A worker that answers its health checks but fails its requests gets a
    /// probe once per cool-down, not once per health-check interval: once a
    /// probe has failed, health checks no longer cut the cool-down short,
    /// until the circuit has closed again.
    @Test func afterAFailedProbeAnAnsweredHealthCheckWaitsForTheCoolDown() {
        var circuit = breaker()
        for _ in 0..<3 { circuit.recordFailure(now: at(0)) }
        circuit.recordHealthy(now: at(1))
        circuit.recordFailure(now: at(1))
        circuit.recordHealthy(now: at(2))
        #expect(circuit.state(now: at(2)) == .open)
        #expect(circuit.state(now: at(6)) == .halfOpen)
        circuit.recordFailure(now: at(6))
        circuit.recordHealthy(now: at(7))
        #expect(circuit.state(now: at(7)) == .open)
        #expect(circuit.state(now: at(11)) == .halfOpen)
        circuit.recordSuccess(now: at(11))
        circuit.recordSuccess(now: at(11))
        #expect(circuit.state(now: at(11)) == .closed)
        for _ in 0..<3 { circuit.recordFailure(now: at(12)) }
        circuit.recordHealthy(now: at(13))
        #expect(circuit.state(now: at(13)) == .halfOpen)
    }

    /// A failed health check says the worker went down: once back (restarted),
    /// its answered health check half-opens the circuit again, failed probe or not.
    @Test func aFailedHealthCheckLetsTheNextAnsweredOneEndTheCoolDownAgain() {
        var circuit = breaker()
        for _ in 0..<3 { circuit.recordFailure(now: at(0)) }
        circuit.recordHealthy(now: at(1))
        circuit.recordFailure(now: at(1))
        circuit.recordUnhealthy()
        circuit.recordHealthy(now: at(2))
        #expect(circuit.state(now: at(2)) == .halfOpen)
    }

    @Test func anAnsweredHealthCheckLeavesAClosedOrHalfOpenCircuitAlone() {
        var circuit = breaker()
        circuit.recordHealthy(now: at(0))
        #expect(circuit.state(now: at(0)) == .closed)
        for _ in 0..<3 { circuit.recordFailure(now: at(0)) }
        circuit.recordSuccess(now: at(6))
        circuit.recordHealthy(now: at(6))
        circuit.recordSuccess(now: at(6))
        #expect(circuit.state(now: at(6)) == .closed)
    }

    @Test func successesWhileClosedOrOpenChangeNothing() {
        var circuit = breaker()
        for _ in 0..<3 { circuit.recordFailure(now: at(0)) }
        circuit.recordSuccess(now: at(1))
        circuit.recordSuccess(now: at(2))
        #expect(circuit.state(now: at(2)) == .open)
    }

    @Test func aDisabledBreakerNeverOpens() {
        var circuit = breaker(enabled: false)
        for _ in 0..<100 { circuit.recordFailure(now: at(0)) }
        #expect(circuit.state(now: at(0)) == .closed)
    }
}

/// The breaker in the exchange: the worker's own failures count, a client's
/// 4xx does not; an open circuit takes the worker out of selection.
@Suite struct CircuitInExchangeTests {
    private let generate = #"{"text":"Hi","sampling_params":{"max_new_tokens":2}}"#

    @Test func workerFailuresOpenItsCircuitAndRequestsGoElsewhere() {
        let router = InProcessRouter(maxAttempts: 1, circuitFailures: 2)
        for _ in 0..<2 {
            let answer = router.send("POST", "/generate", body: generate)
            router.upstream.last.answer(500, "boom")
            #expect(answer.status == 500)
        }
        // Least-in-flight picks a first, as long as it may be picked.
        #expect(router.pool.worker(url: "http://a")?.circuitState == .open)
        router.send("POST", "/generate", body: generate)
        #expect(router.upstream.last.request.url == "http://b/generate")
    }

    @Test func clientErrorsNeverOpenIt() {
        let router = InProcessRouter(maxAttempts: 1, circuitFailures: 2)
        for _ in 0..<5 {
            router.send("POST", "/generate", body: generate)
            router.upstream.last.answer(400, "bad")
        }
        #expect(router.pool.worker(url: "http://a")?.circuitState == .closed)
    }
}
