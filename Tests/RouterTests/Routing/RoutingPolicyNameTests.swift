import Testing
@testable import Router

/// Every spelling `--policy` and `--fallback-policy` accept: ours, the SGLang
/// router's and the original's, in one parser.
@Suite struct RoutingPolicyNameTests {
    @Test(arguments: [
        ("round-robin", RoutingPolicyName.roundRobin), ("round_robin", .roundRobin), ("Round-Robin", .roundRobin),
        ("least-inflight", .leastInFlight), ("least_inflight", .leastInFlight), ("least-in-flight", .leastInFlight),
        ("least_in_flight", .leastInFlight), ("least-loaded", .leastInFlight), ("LEAST_LOADED", .leastInFlight),
        ("power-of-two", .powerOfTwo), ("power_of_two", .powerOfTwo),
        ("random", .random), ("Random", .random),
        ("cache-aware", .cacheAware), ("cache_aware", .cacheAware), ("cacheaware", .cacheAware), ("CACHE_AWARE", .cacheAware),
    ])
    func readsEverySpelling(name: String, policy: RoutingPolicyName) {
        #expect(RoutingPolicyName(parsing: name) == policy)
    }

    @Test(arguments: ["", "fastest", "round robin", "roundrobin", " random", "least", "cache-aware-ish", "power-of-2"])
    func refusesOtherNames(name: String) {
        #expect(RoutingPolicyName(parsing: name) == nil)
    }

    @Test func everyCanonicalNameReadsBack() {
        for policy in RoutingPolicyName.allCases { #expect(RoutingPolicyName(parsing: policy.rawValue) == policy) }
        #expect(RoutingPolicyName.known == "round-robin, least-inflight, power-of-two, random, cache-aware")
    }
}
