/// How the router picks a worker among the available ones.
public enum LoadBalancingPolicy: String, CaseIterable, Sendable {
    /// The original's documented behaviour.
    case roundRobin = "round-robin"
    /// What the original's code actually did: fewest in-flight, ties to the
    /// first registered.
    case leastInFlight = "least-inflight"
    /// Two random candidates, the less loaded one wins.
    case powerOfTwo = "power-of-two"
    case random

    /// Also accepts the SGLang router's spellings (`round_robin`, ...).
    public init?(name: String) {
        let canonical = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        if let policy = LoadBalancingPolicy(rawValue: canonical) {
            self = policy
        } else if canonical == "least-in-flight" || canonical == "least-loaded" {
            self = .leastInFlight
        } else {
            return nil
        }
    }
}

/// The picking state (round-robin cursor, random source) of one policy.
struct WorkerSelector {
    let policy: LoadBalancingPolicy
    private var cursor = 0
    private var generator = SystemRandomNumberGenerator()

    init(policy: LoadBalancingPolicy) { self.policy = policy }

    mutating func pick(from candidates: [Worker]) -> Worker? {
        guard !candidates.isEmpty else { return nil }
        switch policy {
        case .roundRobin:
            defer { cursor &+= 1 }
            return candidates[cursor % candidates.count]
        case .leastInFlight:
            return candidates.min { $0.inFlight < $1.inFlight }
        case .powerOfTwo:
            guard candidates.count > 1 else { return candidates[0] }
            let first = Int.random(in: 0..<candidates.count, using: &generator)
            var second = Int.random(in: 0..<candidates.count - 1, using: &generator)
            if second >= first { second += 1 }
            let (a, b) = (min(first, second), max(first, second))
            return candidates[b].inFlight < candidates[a].inFlight ? candidates[b] : candidates[a]
        case .random:
            return candidates.randomElement(using: &generator)
        }
    }
}
