import Benchmark
import RadixCache

/// Trajectory sizes: about 2 KB (a short multi-turn rollout) and 200 KB.
struct Size: Sendable {
    let name: String
    let conversations: Int
    let turns: Int
    let turnBytes: Int

    static let small = Size(name: "2 KB", conversations: 1_000, turns: 4, turnBytes: 450)
    static let large = Size(name: "200 KB", conversations: 16, turns: 4, turnBytes: 50_000)

    var fixture: Conversations { Conversations(count: conversations, turns: turns, turnBytes: turnBytes) }
}

/// Inputs built once per benchmark, outside the measurement.
final class Fixture: @unchecked Sendable {
    let conversations: Conversations
    let cache: RadixCache
    /// Next-turn texts: each matches a whole stored trajectory, then goes on.
    let queries: [String]
    /// Trajectories not inserted yet.
    let pending: [Trajectory]
    var nextPending = 0

    init(_ size: Size, pendingRounds: Int = 0, configuration: RadixCache.Configuration? = nil) throws {
        let conversations = size.fixture
        self.conversations = conversations
        cache = try conversations.filledCache(configuration: configuration ?? .init(maxTokens: 1 << 40, maxBytes: 1 << 40))
        // In no particular order: in insertion order, neighbouring lookups
        // would read neighbouring memory, which the hardware prefetches and a
        // router's traffic does not.
        var random = SeededGenerator(seed: 3)
        queries = conversations.final.map { $0.string + " and the next user message" }.shuffled(using: &random)
        pending = conversations.nextTurns(rounds: pendingRounds, turnBytes: size.turnBytes)
    }

    func insertNext() throws {
        try pending[nextPending % pending.count].insert(into: cache, version: 100)
        nextPending += 1
    }

    /// Looks up next-turn text `index` (any integer: they repeat).
    func lookUp(_ index: Int) {
        blackHole(cache.match(queries[index % queries.count]))
    }

    /// Inserts pending turns until the cache has evicted once: at its budget.
    func fillToBudget() throws {
        while cache.statistics.evictedTokens == 0 {
            precondition(nextPending < pending.count, "the pending turns do not reach the budget")
            try insertNext()
        }
    }
}

/// A benchmark's input, built on first use (package-benchmark's setup hook
/// returns nothing, and the measured closure runs once per iteration).
final class Once<Value>: @unchecked Sendable {
    private let make: () throws -> Value
    private var made: Value?

    init(_ make: @escaping () throws -> Value) { self.make = make }

    func callAsFunction() throws -> Value {
        if let made { return made }
        let value = try make()
        made = value
        return value
    }
}
