import Testing
@testable import Router

/// Waits between attempts: exponential from the initial wait, capped, then
/// spread by the jitter; the randomness is drawn by the caller.
@Suite struct RetryBackoffTests {
    private func policy(initial: UInt64 = 100, multiplier: Double = 2, max: UInt64 = 1_000, jitter: Double = 0) -> RetryPolicy {
        var policy = RetryPolicy()
        policy.initialBackoffMilliseconds = initial
        policy.backoffMultiplier = multiplier
        policy.maxBackoffMilliseconds = max
        policy.jitter = jitter
        return policy
    }

    @Test func waitsGrowByTheMultiplierUpToTheCap() {
        let waits = (0..<6).map { policy().backoffMilliseconds(afterWaits: $0, draw: 0) }
        #expect(waits == [100, 200, 400, 800, 1_000, 1_000])
    }

    @Test func aMultiplierOfOneKeepsTheOriginalFixedWait() {
        let waits = (0..<4).map { policy(multiplier: 1).backoffMilliseconds(afterWaits: $0, draw: 0) }
        #expect(waits == [100, 100, 100, 100])
    }

    @Test func jitterSpreadsEachWaitByItsFractionEitherWay() {
        let jittered = policy(jitter: 0.5)
        #expect(jittered.backoffMilliseconds(afterWaits: 1, draw: -1) == 100)
        #expect(jittered.backoffMilliseconds(afterWaits: 1, draw: 0) == 200)
        #expect(jittered.backoffMilliseconds(afterWaits: 1, draw: 1) == 300)
        // Draws outside -1...1 are clamped: the wait never goes negative.
        #expect(policy(jitter: 1).backoffMilliseconds(afterWaits: 0, draw: -3) == 0)
    }

    @Test func manyWaitsDoNotOverflow() {
        #expect(policy(multiplier: 100, max: 30_000).backoffMilliseconds(afterWaits: 1_000, draw: 0) == 30_000)
    }

    @Test func anInitialWaitAboveTheCapIsCapped() {
        #expect(policy(initial: 5_000, max: 1_000).backoffMilliseconds(afterWaits: 0, draw: 0) == 1_000)
    }

    /// The exchange's successive waits follow the policy, with the draws it was given.
    @Test func anExchangeWaitsLongerEachTime() {
        var script = ExchangeScript(workers: ["A"], retry: policy(initial: 250, jitter: 0.2), jitterDraws: [0, 1, -1])
        _ = script.forward()
        #expect(script.answer(503) == "backoff 250 ms")
        #expect(script.backoffElapsed() == "start A buffered after worker_error")
        #expect(script.answer(503) == "backoff 600 ms")
        #expect(script.backoffElapsed() == "start A buffered after worker_error")
        #expect(script.answer(503) == "backoff 800 ms")
    }
}
