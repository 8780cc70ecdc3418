import CUV
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
/// Nor can `uv_async_send`: the loop spins while a sender is between its two
/// steps, so a probe thread preempted there (it shares the loop's core when
/// the router is pinned to one) would cause the stalls it measures. An
/// eventfd write is one atomic step.
public final class LoopLagProbe {
    private let probe: ProbeThread
    private let watcher = Handle<uv_poll_t>()
    private var thread = uv_thread_t()
    private let report: (UInt64) -> Void
    private var isRunning = true

    /// Starts probing every `intervalMicroseconds`; `report` runs on the
    /// loop thread with each delay, in nanoseconds.
    public init(loop: EventLoop, intervalMicroseconds: UInt64 = 1000, report: @escaping (UInt64) -> Void) {
        let descriptor = slime_eventfd()
        precondition(descriptor >= 0, "eventfd failed: errno \(errno)")
        probe = ProbeThread(descriptor: descriptor, intervalNanoseconds: intervalMicroseconds * 1000,
                            placement: loop.backgroundPlacement)
        self.report = report
        let initialized = uv_poll_init(loop.uvLoop, watcher.pointer, descriptor)
        precondition(initialized == 0, "uv_poll_init failed: \(UVError(initialized))")
        watcher.attach(self)
        let started = uv_poll_start(watcher.pointer, Int32(UV_READABLE.rawValue)) { handle, _, _ in
            handleOwner(handle, as: LoopLagProbe.self)?.answer()
        }
        precondition(started == 0, "uv_poll_start failed: \(UVError(started))")
        let context = Unmanaged.passRetained(probe).toOpaque()
        let status = uv_thread_create(&thread, { context in
            Unmanaged<ProbeThread>.fromOpaque(context!).takeRetainedValue().run()
        }, context)
        precondition(status == 0, "uv_thread_create failed: \(UVError(status))")
    }

    /// Probe rounds so far. After each, a wake-up stamped no later than the
    /// round waits for the loop (that round's, or an older unanswered one).
    /// Any thread.
    public var rounds: Int { probe.rounds.load(ordering: .relaxed) }

    private func answer() {
        var wakeups: UInt64 = 0
        _ = read(probe.descriptor, &wakeups, MemoryLayout<UInt64>.size)
        let sent = probe.sentAt.exchange(0, ordering: .relaxed)
        guard sent != 0 else { return }
        let now = uv_hrtime()
        report(now > sent ? now - sent : 0)
    }

    /// Stops the probe thread (waiting for its current sleep to end) and
    /// closes the handle and descriptor. Loop thread only.
    public func stop() {
        guard isRunning else { return }
        isRunning = false
        probe.isStopping.store(true, ordering: .relaxed)
        uv_thread_join(&thread)
        uv_poll_stop(watcher.pointer)
        watcher.close()
        close(probe.descriptor)
    }
}

/// The probe thread's side: sleep, stamp, wake the loop.
private final class ProbeThread: Sendable {
    let descriptor: Int32
    let intervalNanoseconds: UInt64
    let placement: ThreadPlacement
    /// When the oldest unanswered wake-up was sent (`uv_hrtime`; 0: none).
    let sentAt = Atomic<UInt64>(0)
    let isStopping = Atomic<Bool>(false)
    let rounds = Atomic<Int>(0)

    init(descriptor: Int32, intervalNanoseconds: UInt64, placement: ThreadPlacement) {
        self.descriptor = descriptor
        self.intervalNanoseconds = intervalNanoseconds
        self.placement = placement
    }

    func run() {
        placement.apply()
        var interval = timespec(tv_sec: Int(intervalNanoseconds / 1_000_000_000),
                                tv_nsec: Int(intervalNanoseconds % 1_000_000_000))
        var one: UInt64 = 1
        while !isStopping.load(ordering: .relaxed) {
            nanosleep(&interval, nil)
            // Keep the oldest stamp: if the loop has not answered yet, the
            // delay counts from the first wake-up it missed.
            if sentAt.compareExchange(expected: 0, desired: uv_hrtime(), ordering: .relaxed).exchanged {
                _ = write(descriptor, &one, MemoryLayout<UInt64>.size)
            }
            rounds.add(1, ordering: .relaxed)
        }
    }
}
