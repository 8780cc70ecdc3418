internal import CUV

/// Readiness of a socket someone else reads and writes (libcurl's, for
/// instance): a `uv_poll_t` on the descriptor. Loop thread only; call
/// `close()` before the socket is closed.
public final class SocketPoll {
    /// What to watch for, and what was seen.
    public struct Events: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let readable = Events(rawValue: Int32(UV_READABLE.rawValue))
        public static let writable = Events(rawValue: Int32(UV_WRITABLE.rawValue))
    }

    private let handle = Handle<uv_poll_t>()
    /// Called with the events seen, or with the error that ended the watch
    /// (e.g. a bad descriptor after the peer reset the connection).
    private var onEvent: ((Result<Events, UVError>) -> Void)?

    public init(loop: EventLoop, socket: Int32, onEvent: @escaping (Result<Events, UVError>) -> Void) {
        self.onEvent = onEvent
        let status = uv_poll_init_socket(loop.uvLoop, handle.pointer, socket)
        precondition(status == 0, "uv_poll_init_socket failed: \(UVError(status))")
        handle.attach(self)
    }

    /// Watches `events` from now on, replacing what was watched before.
    public func start(_ events: Events) {
        guard !handle.isClosing else { return }
        uv_poll_start(handle.pointer, events.rawValue) { handle, status, events in
            guard let poll = handleOwner(handle, as: SocketPoll.self) else { return }
            poll.onEvent?(status < 0 ? .failure(UVError(status)) : .success(Events(rawValue: events)))
        }
    }

    public func stop() {
        guard !handle.isClosing else { return }
        uv_poll_stop(handle.pointer)
    }

    /// Whether this watch alone keeps `EventLoop.run` from returning
    /// (libuv's ref count).
    public var keepsLoopAlive = true {
        didSet {
            guard !handle.isClosing else { return }
            keepsLoopAlive ? uv_ref(handle.raw) : uv_unref(handle.raw)
        }
    }

    /// Stops for good; the handle is freed once libuv lets go of it.
    public func close() {
        onEvent = nil
        handle.close()
    }
}
