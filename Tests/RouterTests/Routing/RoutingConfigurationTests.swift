import Testing
@testable import Router

/// The configured names become the policy a pool asks.
@Suite struct RoutingConfigurationTests {
    private func policy(_ name: RoutingPolicyName, fallback: RoutingPolicyName = .roundRobin) throws -> any RoutingPolicy {
        var configuration = RoutingConfiguration()
        configuration.policy = name
        configuration.fallback = fallback
        return try configuration.makePolicy()
    }

    @Test func eachNameMakesItsPolicy() throws {
        #expect(try policy(.roundRobin) is RoundRobinPolicy)
        #expect(try policy(.leastInFlight) is LeastInFlightPolicy)
        #expect(try policy(.powerOfTwo) is PowerOfTwoPolicy<SystemRandomNumberGenerator>)
        #expect(try policy(.random) is RandomPolicy<SystemRandomNumberGenerator>)
        #expect(try RoutingConfiguration().makePolicy() is RoundRobinPolicy, "round-robin is the default")
    }

    @Test func cacheAwareWrapsTheFallbackWithTheThresholds() throws {
        var configuration = RoutingConfiguration()
        configuration.policy = .cacheAware
        configuration.fallback = .leastInFlight
        configuration.balance.absolute = 7
        configuration.balance.relative = 2.5
        let cacheAware = try #require(try configuration.makePolicy() as? CacheAwarePolicy)
        #expect(cacheAware.fallback is LeastInFlightPolicy)
        #expect(cacheAware.thresholds.absolute == 7 && cacheAware.thresholds.relative == 2.5)
    }

    @Test(arguments: [RoutingPolicyName.cacheAware, .roundRobin])
    func theFallbackCannotBeCacheAware(policy name: RoutingPolicyName) {
        #expect { try policy(name, fallback: .cacheAware) } throws: { error in
            "\(error)".contains("the fallback policy cannot be cache-aware; use one of round-robin, least-inflight")
        }
    }
}
