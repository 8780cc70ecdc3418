import EventLoop

/// One request to a worker on our own client: waiting for a connection in
/// its worker's pool, then on one until the answer ended.
final class NativeTransfer: UpstreamTransfer {
    private let pool: ConnectionPool
    let request: UpstreamRequest
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    @exclusivity(unchecked) private var handlers: UpstreamHandlers?
    /// Set while the request is on a connection.
    @exclusivity(unchecked) var connection: WorkerConnection?
    /// The request timeout's place among the client's (`RequestTimeouts`), while it runs.
    @exclusivity(unchecked) private var timeout: (ticket: DeadlineQueue<NativeTransfer>.Ticket, milliseconds: Int)?
    /// Sent again once already after a stale connection: not a second time.
    @exclusivity(unchecked) private(set) var maySendAgain = true
    @exclusivity(unchecked) private(set) var isPaused = false

    init(pool: ConnectionPool, request: consuming UpstreamRequest, handlers: UpstreamHandlers) {
        self.pool = pool
        self.request = request
        self.handlers = handlers
    }

    func start() {
        let milliseconds = request.timeoutMilliseconds ?? pool.configuration.requestTimeoutMilliseconds
        if milliseconds > 0 {
            timeout = (pool.client.timeouts.start(self, afterMilliseconds: milliseconds), milliseconds)
        }
        pool.acquire(self)
    }

    func resume() {
        guard isPaused, handlers != nil else { return }
        isPaused = false
        connection?.resumeReading()
    }

    func cancel() {
        guard handlers != nil else { return }
        handlers = nil
        stopTimer()
        leave()
    }

    /// Off its connection (which closes: the answer is unfinished) or out of the queue.
    private func leave() {
        if let connection { connection.close() } else { pool.stopWaiting(self) }
    }

    /// The request timeout counts from the start, waiting included; one
    /// that ran out before the request went out reached no worker.
    func timedOut() {
        guard let milliseconds = timeout?.milliseconds else { return }
        timeout = nil
        guard handlers != nil else { return }
        let wasSent = connection != nil
        leave()
        complete(
            .failure(
                wasSent
                    ? .timedOut("no complete answer within \(milliseconds) ms")
                    : .connectFailed("no connection to the worker within \(milliseconds) ms")))
    }

    private func stopTimer() {
        if let timeout { pool.client.timeouts.cancel(timeout.ticket) }
        timeout = nil
    }

    // MARK: from the connection

    /// Whether to go on parsing.
    func deliverHead(_ status: Int, _ headers: consuming HTTPHeaders) -> Bool {
        guard let onHead = handlers?.onHead else { return false }
        onHead(status, headers)
        // The handler may have cancelled the transfer.
        return handlers != nil
    }

    func deliverBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // The one handler, not all three: each closure copied is retained.
        guard let onBody = handlers?.onBody else { return false }
        if !onBody(bytes) { isPaused = true }
        return handlers != nil
    }

    func sendAgain() {
        maySendAgain = false
        pool.sendAgain(self)
    }

    /// Calls `onComplete`, once.
    func complete(_ result: Result<Void, UpstreamError>) {
        // Moved out, not copied: a copy retains each closure, and emptying
        // the field releases them again.
        guard let handlers = handlers.take() else { return }
        stopTimer()
        handlers.onComplete(result)
    }
}
