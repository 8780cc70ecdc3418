import EventLoop
import Foundation
import Testing

@Suite struct OffloadTests {
    @Test func workRunsOffTheLoopThreadAndItsCompletionOnIt() {
        let loop = EventLoop()
        let loopThread = pthread_self()
        var observed: (work: pthread_t, completion: pthread_t)?
        loop.offload(
            { pthread_self() },
            then: { workThread in
                observed = (workThread, pthread_self())
            })
        loop.run()
        #expect(observed?.work != loopThread)
        #expect(observed?.completion == loopThread)
    }

    @Test func manyConcurrentJobsAllCompleteWithTheirOwnResults() {
        let loop = EventLoop()
        let loopThread = pthread_self()
        var results: [Int] = []
        var completionsOffTheLoop = 0
        for number in 0..<1000 {
            loop.offload(
                { number * number },
                then: { square in
                    results.append(square)
                    if pthread_self() != loopThread { completionsOffTheLoop += 1 }
                })
        }
        loop.run()
        #expect(results.sorted() == (0..<1000).map { $0 * $0 })
        #expect(completionsOffTheLoop == 0)
    }

    /// The job waits for ticks of a loop timer: it can only succeed if the
    /// loop keeps running timers while the job occupies a pool thread.
    @Test func theLoopKeepsServingTimersWhileALongJobRuns() {
        let loop = EventLoop()
        let ticks = DispatchSemaphore(value: 0)
        let ticker = loop.repeating(everyMilliseconds: 1) { ticks.signal() }
        var sawTicks: Bool?
        loop.offload(
            {
                (0..<20).allSatisfy { _ in ticks.wait(timeout: .now() + 10) == .success }
            },
            then: { allArrived in
                sawTicks = allArrived
                ticker.cancel()
            })
        loop.run()
        #expect(sawTicks == true)
    }
}
