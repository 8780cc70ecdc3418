/// Two distinct candidates drawn at random; the one with fewer requests in
/// flight wins (the earlier registered on a tie).
final class PowerOfTwoPolicy<Source: RandomNumberGenerator>: RoutingPolicy {
    private var source: Source

    init(source: Source) { self.source = source }

    func choose(among candidates: [Worker], preferring _: Worker?) -> Worker {
        guard candidates.count > 1 else { return candidates[0] }
        let first = Int.random(in: 0..<candidates.count, using: &source)
        var second = Int.random(in: 0..<candidates.count - 1, using: &source)
        if second >= first { second += 1 }
        let (a, b) = (min(first, second), max(first, second))
        return candidates[b].inFlight < candidates[a].inFlight ? candidates[b] : candidates[a]
    }
}

extension PowerOfTwoPolicy where Source == SystemRandomNumberGenerator {
    convenience init() { self.init(source: SystemRandomNumberGenerator()) }
}
