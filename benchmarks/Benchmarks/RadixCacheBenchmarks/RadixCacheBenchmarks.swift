// RadixCache micro-benchmarks (package-benchmark). Results and the command
// that reproduces them: benchmarks/results/radix-cache.md.
import Benchmark
import Foundation
import RadixCache
import Synchronization

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
        var random = SplitMix(seed: 3)
        queries = conversations.final.map { $0.string + " and the next user message" }.shuffled(using: &random)
        pending = conversations.nextTurns(rounds: pendingRounds, turnBytes: size.turnBytes)
    }

    func insertNext() throws {
        try pending[nextPending % pending.count].insert(into: cache, version: 100)
        nextPending += 1
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

/// A thread repeating `step` until stopped.
final class BackgroundLoad: @unchecked Sendable {
    private let running = Atomic<Bool>(true)
    private let started = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    let steps = Atomic<Int>(0)

    init(_ step: @escaping @Sendable () throws -> Void) {
        Thread { [self] in
            started.store(true, ordering: .releasing)
            while running.load(ordering: .acquiring) {
                try! step()
                steps.wrappingAdd(1, ordering: .relaxed)
            }
            stopped.signal()
        }.start()
        while !started.load(ordering: .acquiring) { sched_yield() }
    }

    func stop() {
        running.store(false, ordering: .releasing)
        stopped.wait()
    }
}

/// The control for the writer: memory work of an insert's kind and size
/// (allocating, filling and freeing buffers of 2 to 6 KB, about 6 MB live,
/// like the cache's new turns and the versions it drops) that never
/// touches the cache. What it costs a reader is what any busy neighbour
/// costs on this machine, not the cache's doing.
final class MemoryChurn: @unchecked Sendable { // used by its one thread only
    private var buffers: [[UInt8]] = Array(repeating: [], count: 1_400)
    private var next = 0

    func step() {
        buffers[next % buffers.count] = [UInt8](repeating: UInt8(truncatingIfNeeded: next), count: 2_048 + next % 4_096)
        next += 1
    }
}

let benchmarks: @Sendable () -> Void = {
    for size in [Size.small, Size.large] {
        let scale: BenchmarkScalingFactor = size.turnBytes < 1_000 ? .kilo : .one
        let lookupFixture = Once { try Fixture(size) }
        Benchmark("Lookup, \(size.name) trajectories",
                  configuration: .init(metrics: [.throughput, .wallClock], scalingFactor: scale,
                                       maxDuration: .seconds(3), maxIterations: 200),
                  closure: { benchmark in lookUp(benchmark, in: try lookupFixture()) },
                  setup: { _ = try lookupFixture() })

        // Every insert is a new turn of a stored conversation: one node split
        // or extended, the path copied, the new turn stored.
        let insertIterations = 10
        let insertFixture = Once {
            try Fixture(size, pendingRounds: (insertIterations + 2) * scale.rawValue / size.conversations + 1)
        }
        Benchmark("Insert, \(size.name) trajectories",
                  configuration: .init(metrics: [.throughput, .wallClock], scalingFactor: scale,
                                       maxDuration: .seconds(10), maxIterations: insertIterations),
                  closure: { benchmark in
                      let fixture = try insertFixture()
                      benchmark.startMeasurement()
                      for _ in benchmark.scaledIterations { try fixture.insertNext() }
                  },
                  setup: { _ = try insertFixture() })
    }

    // One reader thread (the benchmark's) alone, beside the writer thread
    // inserting flat out (the cache at its budget, so it also evicts), and
    // beside the control thread (`MemoryChurn`): 2 cores, one each. The three
    // take turns within every iteration, so all of them go through the same
    // moments of this shared machine, whose speed drifts 2-3x over minutes.
    let bounded = RadixCache.Configuration(maxTokens: 600_000, maxBytes: 1 << 30)
    let sharedFixture = Once { try Fixture(.small, pendingRounds: 4, configuration: bounded) }
    let neighbourMetrics = ["alone", "beside the writer", "beside the control thread"].map {
        BenchmarkMetric.custom("reader CPU ns per lookup, \($0)", useScalingFactor: false)
    }
    let writerInserts = BenchmarkMetric.custom("writer inserts per 1,000 lookups", useScalingFactor: false)
    Benchmark("Lookup, 2 KB trajectories, reader alone and beside other threads",
              configuration: .init(metrics: neighbourMetrics + [writerInserts], maxDuration: .seconds(10), maxIterations: 100),
              closure: { benchmark in
                  let fixture = try sharedFixture()
                  let lookups = 3_000
                  benchmark.measurement(neighbourMetrics[0], readerCPUNanoseconds(lookups, in: fixture) / lookups)
                  let writer = BackgroundLoad { try fixture.insertNext() }
                  benchmark.measurement(neighbourMetrics[1], readerCPUNanoseconds(lookups, in: fixture) / lookups)
                  writer.stop()
                  benchmark.measurement(writerInserts, 1_000 * writer.steps.load(ordering: .relaxed) / lookups)
                  let churn = MemoryChurn()
                  let control = BackgroundLoad { churn.step() }
                  benchmark.measurement(neighbourMetrics[2], readerCPUNanoseconds(lookups, in: fixture) / lookups)
                  control.stop()
              },
              setup: { _ = try sharedFixture() })

    // Memory per cached token while a cache takes in 2,000 conversations of
    // 8 turns: the cache's own count (RadixCacheStatistics.bytesUsed: the
    // sizes it asks the allocator for, text included) and the text's share.
    let memoryMetrics: [BenchmarkMetric] = ["counted", "text"].map {
        .custom("\($0) bytes per 100 tokens", useScalingFactor: false)
    }
    for turnBytes in [250, 1_000] {
        let multiTurn = Once { Conversations(count: 2_000, turns: 8, turnBytes: turnBytes) }
        Benchmark("Memory per cached token, multi-turn, \(turnBytes) B turns",
                  configuration: .init(metrics: memoryMetrics, maxIterations: 1),
                  closure: { benchmark in
                      let conversations = try multiTurn()
                      let cache = try conversations.filledCache()
                      let statistics = cache.statistics
                      let sharedPrompt = 300 * (conversations.final.count - 1)
                      let text = conversations.final.reduce(0) { $0 + $1.text.count } - sharedPrompt
                      for (metric, bytes) in zip(memoryMetrics, [statistics.bytesUsed, text]) {
                          benchmark.measurement(metric, 100 * bytes / statistics.cachedTokens)
                      }
                  },
                  setup: { _ = try multiTurn() })
    }
}

/// `benchmark.scaledIterations` lookups of next-turn texts.
func lookUp(_ benchmark: Benchmark, in fixture: Fixture) {
    benchmark.startMeasurement()
    for index in benchmark.scaledIterations {
        blackHole(fixture.cache.match(fixture.queries[index % fixture.queries.count]))
    }
    benchmark.stopMeasurement()
}

/// The reader thread's own CPU time for `count` lookups of next-turn texts:
/// on a shared machine, wall-clock time would also count the time the
/// reader waited for a core.
func readerCPUNanoseconds(_ count: Int, in fixture: Fixture) -> Int {
    let before = threadCPUNanoseconds()
    for index in 0..<count { blackHole(fixture.cache.match(fixture.queries[index % fixture.queries.count])) }
    return threadCPUNanoseconds() - before
}

func threadCPUNanoseconds() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return time.tv_sec * 1_000_000_000 + time.tv_nsec
}
