import CCurl
import CUV
import EventLoop

/// A `uv_poll_t` on one of curl's sockets.
final class SocketWatcher {
    private let handle: UnsafeMutablePointer<uv_poll_t>
    private let socket: curl_socket_t
    private let onEvent: (curl_socket_t, Int32) -> Void
    private var isClosed = false

    init(loop: EventLoop, socket: curl_socket_t, onEvent: @escaping (curl_socket_t, Int32) -> Void) {
        self.socket = socket
        self.onEvent = onEvent
        handle = .allocate(capacity: 1)
        handle.initialize(to: uv_poll_t())
        uv_poll_init_socket(loop.uvLoop, handle, socket)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    func start(events: Int32) {
        uv_poll_start(handle, events) { handle, status, events in
            guard let data = handle?.pointee.data else { return }
            let watcher = Unmanaged<SocketWatcher>.fromOpaque(data).takeUnretainedValue()
            var flags: Int32 = 0
            if status < 0 {
                // e.g. UV_EBADF after a peer reset: curl must learn of it.
                flags = CURL_CSELECT_ERR
            } else {
                if events & Int32(UV_READABLE.rawValue) != 0 { flags |= CURL_CSELECT_IN }
                if events & Int32(UV_WRITABLE.rawValue) != 0 { flags |= CURL_CSELECT_OUT }
            }
            watcher.onEvent(watcher.socket, flags)
        }
    }

    func stop() {
        guard !isClosed else { return }
        uv_poll_stop(handle)
    }

    /// Before curl closes the socket; the handle is freed in its close callback.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        uv_poll_stop(handle)
        handle.pointee.data = nil
        handle.withMemoryRebound(to: uv_handle_t.self, capacity: 1) { raw in
            uv_close(raw) { $0?.deallocate() }
        }
    }
}
