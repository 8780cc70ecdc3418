import Benchmark
import Foundation
import Synchronization

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
final class MemoryChurn: @unchecked Sendable {  // used by its one thread only
    private var buffers: [[UInt8]] = Array(repeating: [], count: 1_400)
    private var next = 0

    func step() {
        buffers[next % buffers.count] = [UInt8](repeating: UInt8(truncatingIfNeeded: next), count: 2_048 + next % 4_096)
        next += 1
    }
}

/// A second reader's lookups: the same next-turn texts from another starting point.
final class LookupLoop: @unchecked Sendable {  // used by its one thread only
    private let fixture: Fixture
    private var next: Int

    init(_ fixture: Fixture, startingAt start: Int) {
        self.fixture = fixture
        next = start
    }

    func step() {
        fixture.lookUp(next)
        next += 1
    }
}

/// What runs on the other core while the reader is measured.
enum Neighbour: String, CaseIterable {
    case nothing = "alone"
    case writer = "beside the writer"
    case control = "beside the control thread"

    /// Starts this neighbour's thread; nil for nothing.
    func start(beside fixture: Fixture) -> BackgroundLoad? {
        switch self {
        case .nothing: return nil
        case .writer: return BackgroundLoad { try fixture.insertNext() }
        case .control:
            let churn = MemoryChurn()
            return BackgroundLoad { churn.step() }
        }
    }
}

/// Counts a benchmark's iterations, for changing their order of phases.
final class IterationCounter: @unchecked Sendable {  // package-benchmark runs iterations one at a time
    private var count = 0

    func next() -> Int {
        defer { count += 1 }
        return count
    }
}
