@testable import RadixCache

/// The property test's round, shared with the radix-cache fuzz target
/// (fuzz/Targets/radix-cache links this file): insert the next random
/// trajectory into the cache and the reference model, then compare a few
/// lookups (a prompt's, a trainer's, a trainer's naming a generation). With
/// a budget, eviction may take any prefix (and a token stored again carries
/// its new holder's tail mark): a lookup must then be one of the model's
/// candidates, with its values.
struct ModelCheck<Random: RandomNumberGenerator> {
    let cache: RadixCache
    var model = ReferenceModel()
    var generator: TrajectoryGenerator<Random>
    let evicts: Bool

    init(random: Random, configuration: RadixCache.Configuration? = nil) {
        cache = RadixCache(configuration: configuration ?? .init(), tokenBytes: TestVocabulary.shared)
        generator = TrajectoryGenerator(random: random)
        evicts = configuration != nil
    }

    /// What disagreed, in words; empty when all agreed.
    mutating func round(lookups: Int = 5) throws -> [String] {
        let trajectory = generator.next(after: model.stored)
        try trajectory.insert(into: cache, quickly: Bool.random(using: &generator.random))
        model.insert(trajectory)
        var mismatches: [String] = []
        for _ in 0..<lookups {
            let query = Array(generator.query(from: model.stored).utf8)
            for options in lookupOptions() {
                let found = Expected(cache.match(String(decoding: query, as: UTF8.self), options: options))
                let agrees =
                    evicts
                    ? found.tokens.isEmpty
                        || model.candidates(for: query, options: options, afterEviction: true).contains { model.expected($0) == found }
                    : found == model.match(query, options: options)
                if !agrees {
                    mismatches.append("query \(query), \(options): cache \(found), model \(model.match(query, options: options))")
                }
            }
        }
        return mismatches
    }

    private mutating func lookupOptions() -> [RadixCache.MatchOptions] {
        let named = model.stored.randomElement(using: &generator.random)
        let generation = named?.origins.randomElement(using: &generator.random)?.generation
        return [.init(), .init(includesTails: true), .init(generation: generation, includesTails: true)]
    }
}
