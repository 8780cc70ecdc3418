/// The routing policies `--policy` names, and every spelling of them the
/// router accepts: the one place that reads a policy's name.
public enum RoutingPolicyName: String, CaseIterable, Sendable {
    /// The original's documented behaviour, and the default.
    case roundRobin = "round-robin"
    /// What the original's code actually did.
    case leastInFlight = "least-inflight"
    case powerOfTwo = "power-of-two"
    case random
    /// Wraps another policy (the fallback); see `CacheAwarePolicy`.
    case cacheAware = "cache-aware"

    /// Accepts the names above in any case, with `_` for `-` (the SGLang
    /// router's and the original's spellings: `round_robin`, `cache_aware`),
    /// and a few other spellings people used.
    public init?(parsing name: String) {
        let canonical = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        guard let policy = RoutingPolicyName(rawValue: canonical) ?? Self.otherSpellings[canonical] else { return nil }
        self = policy
    }

    private static let otherSpellings: [String: RoutingPolicyName] = [
        "least-in-flight": .leastInFlight,
        "least-loaded": .leastInFlight,
        "cacheaware": .cacheAware,
    ]

    /// The canonical names, for messages.
    public static var known: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
