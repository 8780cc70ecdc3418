/// How the router chooses workers: `--policy`, `--fallback-policy` and the
/// balance thresholds.
public struct RoutingConfiguration: Sendable {
    public var policy = RoutingPolicyName.roundRobin
    /// With `cache-aware`: what picks when no worker holds a request's
    /// prefix or that worker is overloaded. Any policy but cache-aware.
    public var fallback = RoutingPolicyName.roundRobin
    /// With `cache-aware`: when the preferred worker counts as overloaded.
    public var balance = BalanceThresholds()

    public init() {}

    /// The policy, with its picking state, for one pool.
    func makePolicy() throws(RouterSetupError) -> any RoutingPolicy {
        guard fallback != .cacheAware else {
            let names = RoutingPolicyName.allCases.filter { $0 != .cacheAware }.map(\.rawValue).joined(separator: ", ")
            throw RouterSetupError("the fallback policy cannot be cache-aware; use one of \(names)")
        }
        return makePolicy(named: policy)
    }

    private func makePolicy(named name: RoutingPolicyName) -> any RoutingPolicy {
        switch name {
        case .roundRobin: RoundRobinPolicy()
        case .leastInFlight: LeastInFlightPolicy()
        case .powerOfTwo: PowerOfTwoPolicy()
        case .random: RandomPolicy()
        case .cacheAware: CacheAwarePolicy(fallback: makePolicy(named: fallback), thresholds: balance)
        }
    }
}
