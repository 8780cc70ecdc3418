internal import CUV
import Glibc

/// Wakes the loop from another thread. `signal()` is the one call that is
/// safe off the loop thread, and it must not be made after `close()`;
/// several signals may coalesce into one call of the handler.
///
/// An eventfd watched by a uv_poll handle, not libuv's `uv_async_t`: a
/// signal is one `write`, while `uv_async_send` takes two steps and the loop
/// spins until a sender preempted between them runs again (for a whole time
/// slice when that sender's core is busy).
public final class LoopWakeup: @unchecked Sendable {  // `signal` only writes to the descriptor
    private let handle = Handle<uv_poll_t>()
    private let descriptor: Int32
    private var handler: (() -> Void)?

    public init(loop: EventLoop, _ handler: @escaping () -> Void) {
        descriptor = slime_eventfd()
        precondition(descriptor >= 0, "eventfd failed: errno \(errno)")
        self.handler = handler
        let initialized = uv_poll_init(loop.uvLoop, handle.pointer, descriptor)
        precondition(initialized == 0, "uv_poll_init failed: \(UVError(initialized))")
        handle.attach(self)
        let started = uv_poll_start(handle.pointer, Int32(UV_READABLE.rawValue)) { handle, _, _ in
            handleOwner(handle, as: LoopWakeup.self)?.wake()
        }
        precondition(started == 0, "uv_poll_start failed: \(UVError(started))")
    }

    public func signal() {
        var one: UInt64 = 1
        _ = write(descriptor, &one, MemoryLayout<UInt64>.size)
    }

    private func wake() {
        var signals: UInt64 = 0
        _ = read(descriptor, &signals, MemoryLayout<UInt64>.size)
        handler?()
    }

    /// Whether this wake-up alone keeps `EventLoop.run` from returning
    /// (libuv's ref count). Loop thread only.
    public var keepsLoopAlive = true {
        didSet { keepsLoopAlive ? uv_ref(handle.raw) : uv_unref(handle.raw) }
    }

    /// Loop thread only.
    public func close() {
        guard !handle.isClosing else { return }
        handler = nil
        uv_poll_stop(handle.pointer)
        handle.close()
        Glibc.close(descriptor)
    }
}
