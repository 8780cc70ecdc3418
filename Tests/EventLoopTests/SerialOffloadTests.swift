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
            serial.submit({ () -> Int in
                let overlapping = running.increment() > 1
                usleep(2_000)
                running.decrement()
                return overlapping ? -1 : index
            }, then: { result in
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
    }
}

/// A counter shared with pool threads.
private final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int { lock.withLock { value += 1; return value } }
    func decrement() { lock.withLock { value -= 1 } }
}
