/// Each request goes to the next candidate in registration order: what the
/// original documented, and the default.
final class RoundRobinPolicy: RoutingPolicy {
    /// Unchecked: read and written on the loop thread by this one call.
    @exclusivity(unchecked) private var cursor = 0

    func choose(among candidates: [Worker], preferring _: Worker?) -> Worker {
        defer { cursor &+= 1 }
        return candidates[cursor % candidates.count]
    }
}
