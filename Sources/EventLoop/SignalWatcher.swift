internal import CUV
import Glibc

/// Calls a handler on the loop thread when the process receives a signal.
public final class SignalWatcher {
    private let handle = Handle<uv_signal_t>()
    private var handler: ((Int32) -> Void)?

    public init(loop: EventLoop, signal: Int32, _ handler: @escaping (Int32) -> Void) {
        self.handler = handler
        uv_signal_init(loop.uvLoop, handle.pointer)
        handle.attach(self)
        uv_signal_start(
            handle.pointer,
            { watcher, signal in
                handleOwner(watcher, as: SignalWatcher.self)?.handler?(signal)
            }, signal)
        // A signal watcher alone should not keep the loop running.
        uv_unref(handle.raw)
    }

    public func close() {
        handler = nil
        handle.close()
    }
}
