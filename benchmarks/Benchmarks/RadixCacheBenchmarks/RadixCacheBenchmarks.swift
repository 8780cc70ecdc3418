// RadixCache micro-benchmarks (package-benchmark). Results and the command
// that reproduces them: benchmarks/results/radix-cache.md.
import Benchmark
import RadixCache

let benchmarks: @Sendable () -> Void = {
    for size in [Size.small, Size.large] {
        let scale: BenchmarkScalingFactor = size.turnBytes < 1_000 ? .kilo : .one
        let lookupFixture = Once { try Fixture(size) }
        Benchmark(
            "Lookup, \(size.name) trajectories",
            configuration: .init(
                metrics: [.throughput, .wallClock], scalingFactor: scale,
                maxDuration: .seconds(3), maxIterations: 200),
            closure: { benchmark in lookUp(benchmark, in: try lookupFixture()) },
            setup: { _ = try lookupFixture() })

        // Every insert is a new turn of a stored conversation: one node split
        // or extended, the path copied, the new turn stored.
        let insertIterations = 10
        let insertFixture = Once {
            try Fixture(size, pendingRounds: (insertIterations + 2) * scale.rawValue / size.conversations + 1)
        }
        Benchmark(
            "Insert, \(size.name) trajectories",
            configuration: .init(
                metrics: [.throughput, .wallClock], scalingFactor: scale,
                maxDuration: .seconds(10), maxIterations: insertIterations),
            closure: { benchmark in
                let fixture = try insertFixture()
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { try fixture.insertNext() }
            },
            setup: { _ = try insertFixture() })
    }

    // Lookups on one reader thread and on two at once (2 cores, one each):
    // lock-free readers should add up. Both within every iteration, so that
    // they go through the same moments of this shared machine, whose speed
    // drifts 2-3x over minutes; which goes first alternates.
    let readerMetrics = ["one reader thread", "two reader threads together"].map {
        BenchmarkMetric.custom("lookups per second, \($0)", polarity: .prefersLarger, useScalingFactor: false)
    }
    let scaling = BenchmarkMetric.custom("two threads' rate over one's, %", polarity: .prefersLarger, useScalingFactor: false)
    let readersFixture = Once { try Fixture(.small) }
    let readersIterations = IterationCounter()
    Benchmark(
        "Lookup, 2 KB trajectories, one and two reader threads",
        configuration: .init(metrics: readerMetrics + [scaling], maxDuration: .seconds(10), maxIterations: 100),
        closure: { benchmark in
            let fixture = try readersFixture()
            let lookups = 3_000
            var one = 0, two = 0
            for phase in readersIterations.next() % 2 == 0 ? [1, 2] : [2, 1] {
                if phase == 1 {
                    one = lookupsPerSecond(lookups, in: fixture)
                } else {
                    two = lookupsPerSecondOfTwoReaders(lookups, in: fixture)
                }
            }
            benchmark.measurement(readerMetrics[0], one)
            benchmark.measurement(readerMetrics[1], two)
            benchmark.measurement(scaling, 100 * two / one)
        },
        setup: { _ = try readersFixture() })

    // One reader thread (the benchmark's) alone, beside the writer thread
    // inserting flat out, and beside the control thread (`MemoryChurn`):
    // 2 cores, one each. The cache is filled to its budget first, so the
    // writer evicts whenever it crosses it again (every ~600 inserts: an
    // eviction goes down to 90 %). The three take turns within
    // every iteration, so that they go through the same moments of the
    // machine, in each of their six orders in turn.
    let bounded = RadixCache.Configuration(maxTokens: 600_000, maxBytes: 1 << 30)
    let sharedFixture = Once {
        let fixture = try Fixture(.small, pendingRounds: 4, configuration: bounded)
        try fixture.fillToBudget()
        return fixture
    }
    let neighbourMetrics = Neighbour.allCases.map {
        BenchmarkMetric.custom("reader CPU ns per lookup, \($0.rawValue)", useScalingFactor: false)
    }
    // Each against the reader alone in the same iteration, so that the machine's drift cancels out.
    let besideMetrics = [Neighbour.writer, .control].map {
        ($0, BenchmarkMetric.custom("reader CPU per lookup \($0.rawValue) over alone, %", useScalingFactor: false))
    }
    let writerInserts = BenchmarkMetric.custom("writer inserts per 1,000 lookups", useScalingFactor: false)
    let writerEvictions = BenchmarkMetric.custom("nodes the writer evicted per 1,000 lookups", useScalingFactor: false)
    let orders = permutations(of: Neighbour.allCases)
    let neighbourIterations = IterationCounter()
    Benchmark(
        "Lookup, 2 KB trajectories, reader alone and beside other threads",
        configuration: .init(
            metrics: neighbourMetrics + besideMetrics.map(\.1) + [writerInserts, writerEvictions],
            maxDuration: .seconds(20), maxIterations: 204),
        closure: { benchmark in
            let fixture = try sharedFixture()
            let lookups = 3_000
            var perLookup: [Neighbour: Int] = [:]
            for neighbour in orders[neighbourIterations.next() % orders.count] {
                let evictedBefore = fixture.cache.statistics.evictedNodes
                let load = neighbour.start(beside: fixture)
                perLookup[neighbour] = readerCPUNanoseconds(lookups, in: fixture) / lookups
                load?.stop()
                if neighbour == .writer, let load {
                    benchmark.measurement(writerInserts, 1_000 * load.steps.load(ordering: .relaxed) / lookups)
                    let evicted = fixture.cache.statistics.evictedNodes - evictedBefore
                    benchmark.measurement(writerEvictions, 1_000 * evicted / lookups)
                }
            }
            for (neighbour, metric) in zip(Neighbour.allCases, neighbourMetrics) {
                benchmark.measurement(metric, perLookup[neighbour]!)
            }
            for (neighbour, metric) in besideMetrics {
                benchmark.measurement(metric, 100 * perLookup[neighbour]! / perLookup[.nothing]!)
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
        Benchmark(
            "Memory per cached token, multi-turn, \(turnBytes) B turns",
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
    for index in benchmark.scaledIterations { fixture.lookUp(index) }
    benchmark.stopMeasurement()
}

/// The combined rate of this thread's `count` lookups and a second reader
/// thread's, which runs meanwhile from another starting point.
func lookupsPerSecondOfTwoReaders(_ count: Int, in fixture: Fixture) -> Int {
    let otherReader = LookupLoop(fixture, startingAt: fixture.queries.count / 2)
    let other = BackgroundLoad { otherReader.step() }
    let (otherBefore, start) = (other.steps.load(ordering: .relaxed), ContinuousClock.now)
    let own = lookupsPerSecond(count, in: fixture)
    let otherSteps = other.steps.load(ordering: .relaxed) - otherBefore
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    other.stop()
    return own + Int(Double(otherSteps) / seconds)
}

/// Every order of `elements`.
func permutations<Element>(of elements: [Element]) -> [[Element]] {
    guard elements.count > 1 else { return [elements] }
    return elements.indices.flatMap { index in
        var rest = elements
        let first = rest.remove(at: index)
        return permutations(of: rest).map { [first] + $0 }
    }
}
