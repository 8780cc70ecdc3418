import CCurl
import EventLoop
import Glibc

/// Worker calls through libcurl: one curl multi handle driven by the event
/// loop (curl's socket and timer callbacks mapped onto the loop's
/// `SocketPoll` and `LoopTimer`). Connections to workers are pooled by curl and reused.
/// `https://` workers always come here; plain ones with `--worker-client curl`.
final class CurlClient {
    let loop: EventLoop
    let configuration: WorkerClientConfiguration
    private let multi: UnsafeMutableRawPointer
    private var timer: LoopTimer!
    /// Running transfers by easy handle; they are retained here until done.
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleEasyHandles: [UnsafeMutableRawPointer] = []
    /// One poll handle per curl socket for the socket's whole life: pooled
    /// connections go idle and busy again with every request, and making a
    /// new poll handle each time costs several epoll and ioctl calls.
    private var watchers: [curl_socket_t: SocketWatcher] = [:]
    private var isProcessing = false

    init(loop: EventLoop, configuration: WorkerClientConfiguration) {
        self.loop = loop
        self.configuration = configuration
        CurlClient.initializeCurlOnce
        multi = curl_multi_init()
        timer = LoopTimer(loop: loop)
        let context = Unmanaged.passUnretained(self).toOpaque()
        slime_multi_setopt_socket_function(multi) { _, socket, what, context, _ in
            CurlClient.from(context).watch(socket: socket, what: what)
            return 0
        }
        slime_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        slime_multi_setopt_timer_function(multi) { _, timeout, context in
            CurlClient.from(context).scheduleTimeout(timeout)
            return 0
        }
        slime_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        // Beyond it, curl queues a transfer until a connection is free.
        slime_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerWorker)
        sizeConnectionCache()
    }

    /// Curl's cache limit counts connections in use too: when a transfer
    /// ends with the cache over it, curl searches the whole cache for the
    /// oldest idle connection and closes it. A fixed limit below the number
    /// of transfers running would close a connection (and search them all)
    /// at the end of every request, so the limit follows the running count.
    /// Curl checks it while the ending transfer still counts as running,
    /// hence the one less; 0 would mean no limit at all.
    private func sizeConnectionCache() {
        let limit = max(1, running.count - 1 + configuration.maxIdleConnections)
        let code = slime_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, limit)
        assert(code == CURLM_OK, "CURLMOPT_MAXCONNECTS: \(code)")
    }

    private static let initializeCurlOnce: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Starts a transfer; its handlers are called on the loop thread.
    func start(_ request: UpstreamRequest, handlers: UpstreamHandlers) -> CurlTransfer {
        let easy = idleEasyHandles.popLast() ?? curl_easy_init()!
        let transfer = CurlTransfer(client: self, easy: easy, request: request, handlers: handlers)
        slime_easy_setopt_close_socket_function(easy) { context, socket in
            CurlClient.from(context).socketClosing(socket)
            return close(socket)
        }
        slime_easy_setopt_pointer(easy, CURLOPT_CLOSESOCKETDATA, Unmanaged.passUnretained(self).toOpaque())
        running[easy] = transfer
        sizeConnectionCache()
        curl_multi_add_handle(multi, easy)
        return transfer
    }

    func cancel(_ transfer: CurlTransfer) {
        // curl forbids removing a handle from inside its own callbacks, and a
        // cancel may come from there (a body callback that closes the client).
        if isProcessing || transfer.isFinished {
            loop.schedule(afterMilliseconds: 0) { [self] in finish(transfer, code: nil) }
        } else {
            finish(transfer, code: nil)
        }
    }

    private func finish(_ transfer: CurlTransfer, code: CURLcode?) {
        guard running.removeValue(forKey: transfer.easy) != nil else { return }
        curl_multi_remove_handle(multi, transfer.easy)
        sizeConnectionCache()
        if let code { transfer.complete(code) } else { transfer.isFinished = true }
        curl_easy_reset(transfer.easy)
        idleEasyHandles.append(transfer.easy)
    }

    // MARK: driving curl

    private static func from(_ context: UnsafeMutableRawPointer?) -> CurlClient {
        Unmanaged<CurlClient>.fromOpaque(context!).takeUnretainedValue()
    }

    private func watch(socket: curl_socket_t, what: Int32) {
        guard what != CURL_POLL_REMOVE else {
            // The connection goes idle in curl's pool; its socket stays open.
            watchers[socket]?.idle()
            return
        }
        let watcher =
            watchers[socket]
            ?? {
                let watcher = SocketWatcher(loop: loop, socket: socket) { [unowned self] socket, flags in
                    socketAction(socket, flags: flags)
                }
                watchers[socket] = watcher
                return watcher
            }()
        var events: SocketPoll.Events = []
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { events.insert(.readable) }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { events.insert(.writable) }
        watcher.start(events: events)
    }

    /// Curl is about to close `socket`: its poll handle goes first, so that
    /// a later socket with the same number gets a handle of its own.
    private func socketClosing(_ socket: curl_socket_t) {
        watchers.removeValue(forKey: socket)?.close()
    }

    /// Curl's timeout 0 means "on the next loop iteration": a zero-delay
    /// loop timer is exactly that (never call curl from inside this callback).
    private func scheduleTimeout(_ timeout: Int) {
        if timeout < 0 {
            timer.stop()
        } else {
            timer.start(afterMilliseconds: UInt64(timeout)) { [unowned self] in
                socketAction(CURL_SOCKET_TIMEOUT, flags: 0)
            }
        }
    }

    private func socketAction(_ socket: curl_socket_t, flags: Int32) {
        var stillRunning: Int32 = 0
        isProcessing = true
        curl_multi_socket_action(multi, socket, flags, &stillRunning)
        isProcessing = false
        collectFinished()
    }

    /// Reads every finished transfer, whatever the running count says.
    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = running[easy]
            else { continue }
            finish(transfer, code: message.pointee.data.result)
        }
    }
}
