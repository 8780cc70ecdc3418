import EventLoop
import Foundation
import Testing

@Suite struct SerialOffloadTests {
    /// Jobs never overlap and complete in submission order, while the loop
    /// goes on serving its timers.
    @Test func jobsRunOneAtATimeInOrder() {
        let loop = EventLoop()
        let serial = SerialOffload(loop: loop)
        let running = ManagedAtomicCounter()
        var completed: [Int] = []
        var ticks = 0
        let ticker = loop.repeating(everyMilliseconds: 1) { ticks += 1 }
        for index in 0..<20 {
            serial.submit(
                { () -> Int in
                    let overlapping = running.increment() > 1
                    usleep(2_000)
                    running.decrement()
                    return overlapping ? -1 : index
                },
                then: { result in
                    completed.append(result)
                    if completed.count == 20 {
                        ticker.cancel()
                        loop.stop()
                    }
                })
        }
        #expect(serial.queuedCount == 20)
        loop.run()
        #expect(completed == Array(0..<20))
        #expect(serial.queuedCount == 0)
        #expect(ticks > 0)
        serial.close()
    }

    /// Pending jobs keep the loop running, and only they: `run` returns
    /// once the last completion has run.
    @Test func theLoopRunsUntilTheLastCompletion() {
        let loop = EventLoop()
        let serial = SerialOffload(loop: loop)
        var completed: [String] = []
        for name in ["a", "b", "c"] {
            serial.submit({ name.uppercased() }, then: { completed.append($0) })
        }
        loop.run()
        #expect(completed == ["A", "B", "C"])
        serial.close()
        loop.run()  // nothing left to wait for
    }

    /// The jobs have a thread of their own: with every pool thread busy
    /// until a serial job completes, that job still runs.
    @Test func jobsDoNotWaitForTheThreadPool() {
        let loop = EventLoop()
        let serial = SerialOffload(loop: loop)
        let gate = Gate()
        var poolJobsReleased = 0
        // More than libuv's default pool of 4: every pool thread waits at the gate.
        for _ in 0..<8 {
            loop.offload(
                { gate.wait(timeoutSeconds: 30) },
                then: { opened in
                    if opened { poolJobsReleased += 1 }
                })
        }
        serial.submit({ "written" }, then: { _ in gate.open() })
        loop.run()
        #expect(poolJobsReleased == 8)
        serial.close()
    }
}

/// A one-way gate pool threads wait at, opened from the loop.
private final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func open() {
        condition.withLock { isOpen = true }
        condition.broadcast()
    }

    /// Whether the gate opened before the timeout (a guard against a hang).
    func wait(timeoutSeconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        return condition.withLock {
            while !isOpen, condition.wait(until: deadline) {}
            return isOpen
        }
    }
}

/// A counter shared with pool threads.
private final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.withLock {
            value += 1; return value
        }
    }
    func decrement() { lock.withLock { value -= 1 } }
}
