import CCurl
import EventLoop

/// The loop's watch (`SocketPoll`, a `uv_poll_t`) on one of curl's sockets.
///
/// Each `start` (`uv_poll_start`) unregisters the socket from epoll and registers it
/// again, and each stop unregisters it: three system calls per request on
/// a pooled connection, a third of all the router made. So a watcher keeps
/// its events when curl asks for the same ones again, and when curl lets go
/// of a connection between requests (`idle()`), it stays armed for
/// readable without holding the loop alive. A pooled connection only turns
/// readable when the worker closes it or sends stray bytes; the watcher
/// then stops, and curl finds the connection dead before it reuses it.
final class SocketWatcher {
    private let socket: curl_socket_t
    private var poll: SocketPoll!
    private let onEvent: (curl_socket_t, Int32) -> Void
    /// The events watched; empty when stopped.
    private var watched: SocketPoll.Events = []
    private var isIdle = false
    private var isClosed = false

    init(loop: EventLoop, socket: curl_socket_t, onEvent: @escaping (curl_socket_t, Int32) -> Void) {
        self.socket = socket
        self.onEvent = onEvent
        // The poll holds this watcher until `close()`, which curl always calls.
        poll = SocketPoll(loop: loop, socket: socket) { [self] result in fired(result) }
    }

    /// Watches `events` for curl.
    func start(events: SocketPoll.Events) {
        guard !isClosed else { return }
        leaveIdle()
        guard events != watched else { return }
        watched = events
        poll.start(events)
    }

    /// Curl wants nothing from the socket for now: its connection is back in the pool.
    func idle() {
        guard !isClosed, !isIdle, !watched.isEmpty else { return }
        guard watched == .readable else { return stop() }
        isIdle = true
        poll.keepsLoopAlive = false
    }

    /// Before curl closes the socket.
    func close() {
        guard !isClosed else { return }
        stop()
        isClosed = true
        poll.close()
    }

    private func stop() {
        leaveIdle()
        watched = []
        poll.stop()
    }

    /// The watch serves curl again, and holds the loop alive as other handles do.
    private func leaveIdle() {
        guard isIdle else { return }
        isIdle = false
        poll.keepsLoopAlive = true
    }

    private func fired(_ result: Result<SocketPoll.Events, UVError>) {
        guard !isIdle else { return stop() }
        var flags: Int32 = 0
        switch result {
        case .failure:
            // e.g. a bad descriptor after a peer reset: curl must learn of it.
            flags = CURL_CSELECT_ERR
        case .success(let events):
            if events.contains(.readable) { flags |= CURL_CSELECT_IN }
            if events.contains(.writable) { flags |= CURL_CSELECT_OUT }
        }
        onEvent(socket, flags)
    }
}
