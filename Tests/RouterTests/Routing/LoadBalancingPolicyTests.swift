import Testing
import TestSupport
@testable import Router

/// The policies that pick by load or in turn, in-process and deterministic
/// (the random ones draw from a seeded generator).
@Suite struct LoadBalancingPolicyTests {
    @Test func roundRobinTakesEachCandidateInTurn() {
        let pool = workers(inFlight: [5, 0, 9])
        let policy = RoundRobinPolicy()
        let chosen = (0..<7).map { _ in policy.choose(among: pool, preferring: pool[2]) }
        #expect(chosen.map(\.url) == [0, 1, 2, 0, 1, 2, 0].map { pool[$0].url }, "neither load nor preference matter")
    }

    @Test func roundRobinKeepsGoingWhenTheCandidatesChange() {
        let pool = workers(inFlight: [0, 0, 0])
        let policy = RoundRobinPolicy()
        #expect(policy.choose(among: pool, preferring: nil) === pool[0])
        #expect(policy.choose(among: pool, preferring: nil) === pool[1])
        // One worker left the candidates (tried, unhealthy): the turn goes on over the rest.
        let rest = [pool[0], pool[2]]
        #expect(policy.choose(among: rest, preferring: nil) === pool[0])
        #expect(policy.choose(among: rest, preferring: nil) === pool[2])
    }

    @Test func leastInFlightTakesTheLeastLoaded() {
        let pool = workers(inFlight: [4, 2, 3])
        #expect(LeastInFlightPolicy().choose(among: pool, preferring: pool[0]) === pool[1])
    }

    @Test func leastInFlightBreaksTiesByRegistrationOrder() {
        let pool = workers(inFlight: [3, 1, 2, 1])
        let policy = LeastInFlightPolicy()
        #expect((0..<3).allSatisfy { _ in policy.choose(among: pool, preferring: nil) === pool[1] })
        pool[1].inFlight = 2
        #expect(policy.choose(among: pool, preferring: nil) === pool[3])
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func powerOfTwoBetweenTwoAlwaysTakesTheLessLoaded(seed: UInt64) {
        let pool = workers(inFlight: [6, 5])
        let policy = PowerOfTwoPolicy(source: SeededGenerator(seed: seed))
        #expect(choiceCounts(policy, among: pool, picks: 50) == [0, 50])
        #expect(policy.choose(among: [pool[0]], preferring: nil) === pool[0], "a single candidate is the choice")
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func powerOfTwoNeverTakesTheMostLoadedAndSpreadsOverTheRest(seed: UInt64) {
        let pool = workers(inFlight: [1, 1, 9, 0])
        let counts = choiceCounts(PowerOfTwoPolicy(source: SeededGenerator(seed: seed)), among: pool, picks: 600)
        // Of the six pairs, the least loaded wins the three it is in; the
        // first wins two (one a tie with the second), the second one.
        #expect(counts[2] == 0, "\(counts)")
        #expect(counts[3] > counts[0] && counts[0] > counts[1] && counts[1] > 0, "\(counts)")
    }

    @Test func powerOfTwoTiesGoToTheEarlierRegisteredOfThePair() {
        // Equal loads: the later registered of any pair loses, so the last
        // candidate is never taken.
        let pool = workers(inFlight: [2, 2, 2])
        let counts = choiceCounts(PowerOfTwoPolicy(source: SeededGenerator(seed: 7)), among: pool, picks: 300)
        #expect(counts[2] == 0 && counts[0] > counts[1] && counts[1] > 0, "\(counts)")
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomReachesEveryCandidate(seed: UInt64) {
        let pool = workers(inFlight: [0, 50, 3, 0])
        let counts = choiceCounts(RandomPolicy(source: SeededGenerator(seed: seed)), among: pool, picks: 400)
        #expect(counts.allSatisfy { $0 > 0 }, "\(counts)")
    }

    @Test func randomDrawsReplayFromTheSameSeed() {
        let pool = workers(inFlight: [0, 0, 0, 0, 0])
        let first = RandomPolicy(source: SeededGenerator(seed: 42)), second = RandomPolicy(source: SeededGenerator(seed: 42))
        let a = (0..<20).map { _ in first.choose(among: pool, preferring: nil).url }
        let b = (0..<20).map { _ in second.choose(among: pool, preferring: pool[0]).url }
        #expect(a == b, "the preferred worker changes nothing")
    }
}
