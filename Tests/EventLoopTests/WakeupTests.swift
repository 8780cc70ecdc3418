import EventLoop
import Foundation
import Synchronization
import Testing

@Suite struct WakeupTests {
    final class Counter: Sendable {
        let value = Atomic(0)
    }

    /// Signals may coalesce, but a signal sent after a change is always
    /// followed by a handler call that sees the change.
    @Test func signalsFromAnotherThreadRunTheHandlerOnTheLoopThread() {
        let loop = EventLoop()
        let loopThread = pthread_self()
        let produced = Counter()
        var calls = 0
        var callsOffTheLoop = 0
        var wakeup: LoopWakeup?
        wakeup = LoopWakeup(loop: loop) {
            calls += 1
            if pthread_self() != loopThread { callsOffTheLoop += 1 }
            if produced.value.load(ordering: .acquiring) == 100 {
                wakeup?.close()
                loop.stop()
            }
        }
        let sender = wakeup!
        Thread {
            for _ in 0..<100 {
                produced.value.add(1, ordering: .releasing)
                sender.signal()
            }
        }.start()
        #expect(loop.runUntilStopped())
        #expect((1...100).contains(calls))
        #expect(callsOffTheLoop == 0)
    }
}
