internal import CUV

/// A one-shot or repeating libuv timer. Call `cancel()` when done with it:
/// the timer keeps itself alive until then.
public final class LoopTimer {
    private let handle = Handle<uv_timer_t>()
    private var action: (() -> Void)?

    public init(loop: EventLoop) {
        uv_timer_init(loop.uvLoop, handle.pointer)
        handle.attach(self)
    }

    /// Starts (or restarts) the timer. `repeatMilliseconds == 0` fires once.
    public func start(afterMilliseconds delay: UInt64, repeatMilliseconds: UInt64 = 0, _ action: @escaping () -> Void) {
        guard !handle.isClosing else { return }
        self.action = action
        uv_timer_start(
            handle.pointer,
            { timer in
                handleOwner(timer, as: LoopTimer.self)?.action?()
            }, delay, repeatMilliseconds)
    }

    public func stop() {
        guard !handle.isClosing else { return }
        uv_timer_stop(handle.pointer)
    }

    /// Stops the timer for good and releases it.
    public func cancel() {
        action = nil
        handle.close()
    }
}

extension EventLoop {
    /// Runs `action` once after `delay` ms.
    @discardableResult
    public func schedule(afterMilliseconds delay: UInt64, _ action: @escaping () -> Void) -> LoopTimer {
        let timer = LoopTimer(loop: self)
        timer.start(afterMilliseconds: delay) { [unowned timer] in
            timer.cancel()
            action()
        }
        return timer
    }

    /// Runs `action` every `interval` ms until the returned timer is cancelled.
    public func repeating(everyMilliseconds interval: UInt64, _ action: @escaping () -> Void) -> LoopTimer {
        let timer = LoopTimer(loop: self)
        timer.start(afterMilliseconds: interval, repeatMilliseconds: interval, action)
        return timer
    }
}
