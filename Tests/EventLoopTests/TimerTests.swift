import EventLoop
import Testing

@Suite struct TimerTests {
    @Test func oneShotTimersFireOnceInDeadlineOrder() {
        let loop = EventLoop()
        var fired: [String] = []
        loop.schedule(afterMilliseconds: 30) { fired.append("late") }
        loop.schedule(afterMilliseconds: 10) { fired.append("early") }
        loop.schedule(afterMilliseconds: 0) { fired.append("now") }
        // `run` returns only once every timer has fired and closed itself.
        loop.run()
        #expect(fired == ["now", "early", "late"])
    }

    @Test func aRepeatingTimerFiresUntilCancelled() {
        let loop = EventLoop()
        var count = 0
        var timer: LoopTimer?
        timer = loop.repeating(everyMilliseconds: 1) {
            count += 1
            if count == 5 { timer?.cancel() }
        }
        loop.run()
        #expect(count == 5)
    }

    @Test func aStoppedTimerDoesNotFireAndCanBeRestarted() {
        let loop = EventLoop()
        var fired: [String] = []
        let timer = LoopTimer(loop: loop)
        timer.start(afterMilliseconds: 1) { fired.append("stopped") }
        timer.stop()
        timer.start(afterMilliseconds: 5) {
            fired.append("restarted")
            timer.cancel()
        }
        loop.run()
        #expect(fired == ["restarted"])
    }

    @Test func nowAdvancesWithTheLoop() {
        let loop = EventLoop()
        let start = loop.now
        var seen: UInt64 = 0
        loop.schedule(afterMilliseconds: 20) { seen = loop.now }
        loop.run()
        #expect(seen >= start + 20)
    }
}
