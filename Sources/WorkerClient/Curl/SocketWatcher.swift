import CCurl
import CUV
import EventLoop

/// A `uv_poll_t` on one of curl's sockets.
///
/// Each `uv_poll_start` unregisters the socket from epoll and registers it
/// again, and each stop unregisters it: three system calls per request on
/// a pooled connection, a third of all the router made. So a watcher keeps
/// its events when curl asks for the same ones again, and when curl lets go
/// of a connection between requests (`idle()`), it stays armed for
/// readable without holding the loop alive. A pooled connection only turns
/// readable when the worker closes it or sends stray bytes; the watcher
/// then stops, and curl finds the connection dead before it reuses it.
final class SocketWatcher {
    private let handle: UnsafeMutablePointer<uv_poll_t>
    private let socket: curl_socket_t
    private let onEvent: (curl_socket_t, Int32) -> Void
    /// The libuv events watched; 0 when stopped.
    private var watched: Int32 = 0
    private var isIdle = false
    private var isClosed = false

    private static let readable = Int32(UV_READABLE.rawValue)

    init(loop: EventLoop, socket: curl_socket_t, onEvent: @escaping (curl_socket_t, Int32) -> Void) {
        self.socket = socket
        self.onEvent = onEvent
        handle = .allocate(capacity: 1)
        handle.initialize(to: uv_poll_t())
        uv_poll_init_socket(loop.uvLoop, handle, socket)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    /// Watches `events` (libuv's) for curl.
    func start(events: Int32) {
        guard !isClosed else { return }
        leaveIdle()
        guard events != watched else { return }
        watched = events
        uv_poll_start(handle, events) { handle, status, events in
            guard let data = handle?.pointee.data else { return }
            Unmanaged<SocketWatcher>.fromOpaque(data).takeUnretainedValue().fired(status: status, events: events)
        }
    }

    /// Curl wants nothing from the socket for now: its connection is back in the pool.
    func idle() {
        guard !isClosed, !isIdle, watched != 0 else { return }
        guard watched == Self.readable else { return stop() }
        isIdle = true
        withHandle { uv_unref($0) }
    }

    /// Before curl closes the socket; the handle is freed in its close callback.
    func close() {
        guard !isClosed else { return }
        stop()
        isClosed = true
        handle.pointee.data = nil
        withHandle { uv_close($0) { $0?.deallocate() } }
    }

    private func stop() {
        leaveIdle()
        watched = 0
        uv_poll_stop(handle)
    }

    /// The watch serves curl again, and holds the loop alive as other handles do.
    private func leaveIdle() {
        guard isIdle else { return }
        isIdle = false
        withHandle { uv_ref($0) }
    }

    private func fired(status: Int32, events: Int32) {
        guard !isIdle else { return stop() }
        var flags: Int32 = 0
        if status < 0 {
            // e.g. UV_EBADF after a peer reset: curl must learn of it.
            flags = CURL_CSELECT_ERR
        } else {
            if events & Self.readable != 0 { flags |= CURL_CSELECT_IN }
            if events & Int32(UV_WRITABLE.rawValue) != 0 { flags |= CURL_CSELECT_OUT }
        }
        onEvent(socket, flags)
    }

    private func withHandle(_ body: (UnsafeMutablePointer<uv_handle_t>) -> Void) {
        handle.withMemoryRebound(to: uv_handle_t.self, capacity: 1, body)
    }
}
