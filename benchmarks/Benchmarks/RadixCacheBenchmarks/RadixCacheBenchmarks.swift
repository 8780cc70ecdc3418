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

    // Lookups on one reader thread, then on two at once (2 cores, one each):
    // lock-free readers should add up. Taking turns within every iteration
    // puts both through the same moments of this shared machine, whose
    // speed drifts 2-3x over minutes.
    let readerMetrics = ["one reader thread", "two reader threads together"].map {
        BenchmarkMetric.custom("lookups per second, \($0)", useScalingFactor: false)
    }
    // Within one iteration, so the machine's drift cancels out.
    let scaling = BenchmarkMetric.custom("two threads' rate over one's, %", useScalingFactor: false)
    let readersFixture = Once { try Fixture(.small) }
    Benchmark("Lookup, 2 KB trajectories, one and two reader threads",
              configuration: .init(metrics: readerMetrics + [scaling], maxDuration: .seconds(10), maxIterations: 100),
              closure: { benchmark in
                  let fixture = try readersFixture()
                  let lookups = 3_000
                  let oneRate = lookupsPerSecond(lookups, in: fixture)
                  benchmark.measurement(readerMetrics[0], oneRate)
                  let otherReader = LookupLoop(fixture, startingAt: fixture.queries.count / 2)
                  let other = BackgroundLoad { otherReader.step() }
                  let (before, start) = (other.steps.load(ordering: .relaxed), ContinuousClock.now)
                  let ownRate = lookupsPerSecond(lookups, in: fixture)
                  let otherRate = Double(other.steps.load(ordering: .relaxed) - before)
                      / (ContinuousClock.now - start).seconds
                  other.stop()
                  benchmark.measurement(readerMetrics[1], ownRate + Int(otherRate))
                  benchmark.measurement(scaling, 100 * (ownRate + Int(otherRate)) / oneRate)
              },
              setup: { _ = try readersFixture() })

    // One reader thread (the benchmark's) alone, beside the writer thread
    // inserting flat out (the cache filled to its budget beforehand, so the
    // writer evicts throughout), and beside the control thread
    // (`MemoryChurn`): 2 cores, one each. The three take turns within every
    // iteration, so all of them go through the same moments of the machine,
    // and each iteration starts with the next of them, so none always
    // follows the same one.
    let bounded = RadixCache.Configuration(maxTokens: 600_000, maxBytes: 1 << 30)
    let sharedFixture = Once {
        let fixture = try Fixture(.small, pendingRounds: 4, configuration: bounded)
        while fixture.cache.statistics.evictedTokens == 0 { try fixture.insertNext() }
        return fixture
    }
    let neighbourMetrics = Neighbour.allCases.map {
        BenchmarkMetric.custom("reader CPU ns per lookup, \($0.rawValue)", useScalingFactor: false)
    }
    // Each beside the reader alone in the same iteration, so the machine's drift cancels out.
    let relativeMetrics = Neighbour.allCases.dropFirst().map {
        BenchmarkMetric.custom("reader CPU per lookup \($0.rawValue) over alone, %", useScalingFactor: false)
    }
    let writerInserts = BenchmarkMetric.custom("writer inserts per 1,000 lookups", useScalingFactor: false)
    let rotation = Counter()
    Benchmark("Lookup, 2 KB trajectories, reader alone and beside other threads",
              configuration: .init(metrics: neighbourMetrics + relativeMetrics + [writerInserts], maxDuration: .seconds(20), maxIterations: 200),
              closure: { benchmark in
                  let fixture = try sharedFixture()
                  let lookups = 3_000
                  let first = rotation.next()
                  var perLookup = Array(repeating: 0, count: Neighbour.allCases.count)
                  for turn in 0..<Neighbour.allCases.count {
                      let index = (first + turn) % Neighbour.allCases.count
                      let neighbour = Neighbour.allCases[index].start(beside: fixture)
                      perLookup[index] = readerCPUNanoseconds(lookups, in: fixture) / lookups
                      neighbour?.stop()
                      if Neighbour.allCases[index] == .writer, let neighbour {
                          benchmark.measurement(writerInserts, 1_000 * neighbour.steps.load(ordering: .relaxed) / lookups)
                      }
                  }
                  for (metric, nanoseconds) in zip(neighbourMetrics, perLookup) { benchmark.measurement(metric, nanoseconds) }
                  for (metric, nanoseconds) in zip(relativeMetrics, perLookup.dropFirst()) {
                      benchmark.measurement(metric, 100 * nanoseconds / perLookup[0])
                  }
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

/// What runs on the other core while the reader is measured.
enum Neighbour: String, CaseIterable {
    case none = "alone"
    case writer = "beside the writer"
    case control = "beside the control thread"

    /// Starts this neighbour's thread; nil for none.
    func start(beside fixture: Fixture) -> BackgroundLoad? {
        switch self {
        case .none: return nil
        case .writer: return BackgroundLoad { try fixture.insertNext() }
        case .control:
            let churn = MemoryChurn()
            return BackgroundLoad { churn.step() }
        }
    }
}

/// A second reader's lookups: the same next-turn texts from another starting point.
final class LookupLoop: @unchecked Sendable { // used by its one thread only
    private let fixture: Fixture
    private var next: Int

    init(_ fixture: Fixture, startingAt start: Int) {
        self.fixture = fixture
        next = start
    }

    func step() {
        blackHole(fixture.cache.match(fixture.queries[next % fixture.queries.count]))
        next += 1
    }
}

/// Counts benchmark iterations.
final class Counter: @unchecked Sendable { // package-benchmark runs iterations one at a time
    private var count = 0

    func next() -> Int {
        defer { count += 1 }
        return count
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

/// The rate of `count` lookups of next-turn texts on this thread, by the wall clock.
func lookupsPerSecond(_ count: Int, in fixture: Fixture) -> Int {
    let start = ContinuousClock.now
    for index in 0..<count { blackHole(fixture.cache.match(fixture.queries[index % fixture.queries.count])) }
    return Int(Double(count) / (ContinuousClock.now - start).seconds)
}

/// The reader thread's own CPU time for `count` lookups of next-turn texts:
/// on a shared machine, wall-clock time would also count the time the
/// reader waited for a core.
func readerCPUNanoseconds(_ count: Int, in fixture: Fixture) -> Int {
    let before = threadCPUNanoseconds()
    for index in 0..<count { blackHole(fixture.cache.match(fixture.queries[index % fixture.queries.count])) }
    return threadCPUNanoseconds() - before
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

func threadCPUNanoseconds() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return time.tv_sec * 1_000_000_000 + time.tv_nsec
}
