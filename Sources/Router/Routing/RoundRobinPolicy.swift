/// Each request goes to the next candidate in registration order: what the
/// original documented, and the default.
final class RoundRobinPolicy: RoutingPolicy {
    private var cursor = 0

    func choose(among candidates: [Worker], preferring _: Worker?) -> Worker {
        defer { cursor &+= 1 }
        return candidates[cursor % candidates.count]
    }
}
