import EventLoop
import Testing

@Suite struct LoopLagProbeTests {
    @Test func aBlockedLoopAnswersLateByAtLeastWhatItBlockedAfterTwoProbeRounds() {
        let loop = EventLoop()
        var lags: [UInt64] = []
        var probe: LoopLagProbe?
        probe = LoopLagProbe(loop: loop, intervalMicroseconds: 1000) { lags.append($0) }
        // Block the loop thread as a long callback would: until the probe has
        // finished two rounds during the block, then 20 ms more. The second
        // round stamped (or found stamped) a wake-up that only the loop can
        // answer, so that wake-up waits at least those 20 ms. After one
        // round it might not: that round may have stamped, and the loop
        // answered, just before the block.
        loop.schedule(afterMilliseconds: 10) {
            let answeredBefore = lags.count, roundsBefore = probe!.rounds
            while probe!.rounds < roundsBefore + 2 {}
            let end = EventLoop.monotonicNanoseconds() + 20_000_000
            while EventLoop.monotonicNanoseconds() < end {}
            var check: LoopTimer?
            check = loop.repeating(everyMilliseconds: 1) {
                guard lags.count > answeredBefore else { return }
                check?.cancel()
                probe?.stop()
            }
        }
        loop.run()
        #expect(lags.max()! >= 20_000_000)
    }

    @Test func stoppingTheProbeLetsTheLoopEnd() {
        let loop = EventLoop()
        var answered = 0
        var probe: LoopLagProbe?
        probe = LoopLagProbe(loop: loop, intervalMicroseconds: 200) { _ in
            answered += 1
            if answered == 3 { probe?.stop() }
        }
        // `run` returns only when the probe's handle is closed.
        loop.run()
        #expect(answered == 3)
    }

    @Test func aProbeLetGoWithoutStopReportsNoMore() {
        let loop = EventLoop()
        var answered = 0
        var probe: LoopLagProbe? = LoopLagProbe(loop: loop, intervalMicroseconds: 200) { _ in answered += 1 }
        loop.schedule(afterMilliseconds: 5) {
            probe = nil
            let answeredWhenLetGo = answered
            // 250 probe rounds later.
            loop.schedule(afterMilliseconds: 50) {
                #expect(answered == answeredWhenLetGo)
                loop.stop()
            }
        }
        loop.run()
        #expect(probe == nil)
    }
}
