/// A candidate drawn uniformly at random.
final class RandomPolicy<Source: RandomNumberGenerator>: RoutingPolicy {
    private var source: Source

    init(source: Source) { self.source = source }

    func choose(among candidates: [Worker], preferring _: Worker?) -> Worker {
        candidates.randomElement(using: &source)!
    }
}

extension RandomPolicy where Source == SystemRandomNumberGenerator {
    convenience init() { self.init(source: SystemRandomNumberGenerator()) }
}
