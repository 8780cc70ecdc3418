import CUV

/// Wakes the loop from another thread (`uv_async_t`). `signal()` is the one
/// call that is safe off the loop thread; several signals may coalesce into
/// one call of the handler.
public final class LoopWakeup: @unchecked Sendable {
    private let handle = Handle<uv_async_t>()
    private var handler: (() -> Void)?

    public init(loop: EventLoop, _ handler: @escaping () -> Void) {
        self.handler = handler
        uv_async_init(loop.uvLoop, handle.pointer) { async in
            handleOwner(async, as: LoopWakeup.self)?.handler?()
        }
        handle.attach(self)
    }

    public func signal() {
        uv_async_send(handle.pointer)
    }

    /// Whether this wake-up alone keeps `EventLoop.run` from returning
    /// (libuv's ref count). Loop thread only.
    public var keepsLoopAlive = true {
        didSet { keepsLoopAlive ? uv_ref(handle.raw) : uv_unref(handle.raw) }
    }

    /// Loop thread only.
    public func close() {
        handler = nil
        handle.close()
    }
}
