internal import CUV
import Glibc
import Synchronization

/// Measures how long the loop takes to answer a wake-up, at nanosecond
/// resolution: a probe thread wakes the loop every `interval`, and the loop
/// reports, when its callback runs, how long ago the oldest unanswered
/// wake-up was sent. A loop busy in a long callback, or whose thread waits
/// for a CPU, answers late by that long; an idle loop answers in
/// microseconds.
///
/// A libuv timer cannot show this: the loop's clock and poll timeout have
/// millisecond resolution, so a timer runs up to 1 ms late on an idle loop.
/// The wake-up is a `LoopWakeup` (an eventfd), which never makes the loop
/// wait for the probe thread. The thread stays on the CPUs of the thread
/// that starts it (the loop's own after `dedicateCPU`): on a busy core, a
/// probe preempted between its stamp and its wake-up would report its own
/// delay as the loop's. It is named `slime-lag-probe`.
public final class LoopLagProbe {
    private let probe: ProbeThread
    private var thread: BackgroundThread?

    /// Starts probing every `intervalMicroseconds`; `report` runs on the
    /// loop thread with each delay, in nanoseconds.
    public init(loop: EventLoop, intervalMicroseconds: UInt64, report: @escaping (UInt64) -> Void) {
        let sentAt = SentAt()
        let wakeup = LoopWakeup(loop: loop) {
            let sent = sentAt.value.exchange(0, ordering: .relaxed)
            guard sent != 0 else { return }
            let now = uv_hrtime()
            report(now > sent ? now - sent : 0)
        }
        let probe = ProbeThread(sentAt: sentAt, wakeup: wakeup, intervalNanoseconds: intervalMicroseconds * 1000)
        self.probe = probe
        thread = BackgroundThread(named: "slime-lag-probe") { probe.run() }
    }

    /// Probe rounds so far. Once it has grown by two since the loop thread
    /// read it, a wake-up stamped no later than the second round waits for
    /// the loop, unless the loop answered one in between. One round is not
    /// enough: the round counted first may have stamped, and been answered,
    /// before the read. Any thread.
    public var rounds: Int { probe.rounds.load(ordering: .acquiring) }

    /// A probe let go without `stop` stops too: its reports go to an owner
    /// that may be gone (the router's monitor holds no checked reference).
    deinit { stop() }

    /// Stops the probe thread (waiting for its current sleep to end) and
    /// closes the wake-up. Loop thread only.
    public func stop() {
        guard var running = thread else { return }
        thread = nil
        probe.isStopping.store(true, ordering: .relaxed)
        running.join()
        probe.wakeup.close()
    }
}

/// When the oldest unanswered wake-up was sent (`uv_hrtime`; 0: none).
private final class SentAt: Sendable {
    let value = Atomic<UInt64>(0)
}

/// The probe thread's side: sleep, stamp, wake the loop.
private final class ProbeThread: Sendable {
    let sentAt: SentAt
    let wakeup: LoopWakeup
    let intervalNanoseconds: UInt64
    let isStopping = Atomic<Bool>(false)
    let rounds = Atomic<Int>(0)

    init(sentAt: SentAt, wakeup: LoopWakeup, intervalNanoseconds: UInt64) {
        self.sentAt = sentAt
        self.wakeup = wakeup
        self.intervalNanoseconds = intervalNanoseconds
    }

    func run() {
        var interval = timespec(
            tv_sec: Int(intervalNanoseconds / 1_000_000_000),
            tv_nsec: Int(intervalNanoseconds % 1_000_000_000))
        while !isStopping.load(ordering: .relaxed) {
            nanosleep(&interval, nil)
            // Keep the oldest stamp: if the loop has not answered yet, the
            // delay counts from the first wake-up it missed.
            if sentAt.value.compareExchange(expected: 0, desired: uv_hrtime(), ordering: .relaxed).exchanged {
                wakeup.signal()
            }
            rounds.add(1, ordering: .releasing)
        }
    }
}
