import Testing
@testable import Router

/// cache-aware: the preferred (cache-warm) worker unless it is overloaded,
/// else the fallback, which is never told of the preference.
@Suite struct CacheAwarePolicyTests {
    private func policy(absolute: Int = 32, relative: Double = 1.5) -> (CacheAwarePolicy, RecordingPolicy) {
        var thresholds = BalanceThresholds()
        thresholds.absolute = absolute
        thresholds.relative = relative
        let fallback = RecordingPolicy()
        return (CacheAwarePolicy(fallback: fallback, thresholds: thresholds), fallback)
    }

    @Test func takesThePreferredWorkerWhenItIsNotOverloaded() {
        let pool = workers(inFlight: [0, 20, 0])
        let (cacheAware, fallback) = policy()
        #expect(cacheAware.choose(among: pool, preferring: pool[1]) === pool[1])
        #expect(fallback.calls.isEmpty)
        #expect(cacheAware.routedToPreferred == 1 && cacheAware.divertedFromPreferred == 0)
    }

    @Test func withoutAPreferenceTheFallbackPicks() {
        let pool = workers(inFlight: [0, 0])
        let (cacheAware, fallback) = policy()
        #expect(cacheAware.choose(among: pool, preferring: nil) === pool[1])
        #expect(fallback.calls.count == 1 && fallback.calls[0].preferred == nil)
        #expect(cacheAware.routedToPreferred == 0 && cacheAware.divertedFromPreferred == 0)
    }

    @Test func aPreferredWorkerOutsideTheCandidatesIsNotCounted() {
        // Already tried by this request, or unhealthy: not a candidate.
        let pool = workers(inFlight: [0, 0, 0])
        let (cacheAware, fallback) = policy()
        #expect(cacheAware.choose(among: Array(pool.prefix(2)), preferring: pool[2]) === pool[1])
        #expect(fallback.calls.count == 1 && fallback.calls[0].candidates.count == 2)
        #expect(cacheAware.routedToPreferred == 0 && cacheAware.divertedFromPreferred == 0)
    }

    @Test func anOverloadedPreferredWorkerIsDivertedToTheFallback() {
        let pool = workers(inFlight: [40, 7, 3])
        let (cacheAware, fallback) = policy()
        // 40 is more than 32 over the least loaded (3) and more than 1.5 times it.
        #expect(cacheAware.choose(among: pool, preferring: pool[0]) === pool[2])
        #expect(fallback.calls.count == 1 && fallback.calls[0].preferred == nil)
        #expect(fallback.calls[0].candidates.map(\.url) == pool.map(\.url))
        #expect(cacheAware.routedToPreferred == 0 && cacheAware.divertedFromPreferred == 1)
    }

    /// Overloaded takes both thresholds: over the least loaded by more than
    /// `absolute` in-flight requests AND more than `relative` times as many.
    @Test(arguments: [
        // (preferred, least, absolute, relative, overloaded)
        (10, 5, 4, 1.5, true),
        (10, 6, 4, 1.5, false),  // 4 more: not more than 4
        (10, 5, 4, 2.0, false),  // twice as many: not more than twice
        (11, 5, 4, 2.0, true),
        (1, 0, 0, 1.0, true),  // the end-to-end tests' "any imbalance" setting
        (0, 0, 0, 1.0, false),
        (50, 40, 5, 1.5, false),  // far over in count, not in ratio
    ])
    func overloadNeedsBothThresholds(preferred: Int, least: Int, absolute: Int, relative: Double, overloaded: Bool) {
        let pool = workers(inFlight: [preferred, least])
        let (cacheAware, _) = policy(absolute: absolute, relative: relative)
        #expect((cacheAware.choose(among: pool, preferring: pool[0]) !== pool[0]) == overloaded)
        #expect(cacheAware.divertedFromPreferred == (overloaded ? 1 : 0))
    }

    @Test func countsEveryRoutedAndDivertedRequest() {
        let pool = workers(inFlight: [0, 0])
        let (cacheAware, _) = policy(absolute: 0, relative: 1.0)
        for _ in 0..<3 { _ = cacheAware.choose(among: pool, preferring: pool[0]) }
        pool[0].inFlight = 1
        for _ in 0..<2 { _ = cacheAware.choose(among: pool, preferring: pool[0]) }
        #expect(cacheAware.routedToPreferred == 3 && cacheAware.divertedFromPreferred == 2)
    }
}
