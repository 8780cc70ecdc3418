import EventLoop

/// One keep-alive connection to a worker: one request at a time, its head
/// spelled into a buffer the connection keeps and written with the body in
/// one call, its answer read with `ResponseParser`.
///
/// Idle in the pool it keeps reading: the worker closing it (or sending
/// anything unasked) closes it at once, so a stale connection is seldom
/// used. When one is (the worker closed it as the request went out), the
/// request is sent once more on a fresh connection, as curl does; any other
/// failure is the transfer's.
final class WorkerConnection {
    /// A pool leaves its client only once its last connection closed, and a
    /// closed connection touches it no more: no checked reference.
    private unowned(unsafe) let pool: ConnectionPool
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    @exclusivity(unchecked) private var tcp: TCPConnection!
    @exclusivity(unchecked) private var parser: ResponseParser!
    @exclusivity(unchecked) private var connectTimer: LoopTimer?
    @exclusivity(unchecked) private var transfer: NativeTransfer?
    @exclusivity(unchecked) private var head: [UInt8] = []
    /// Answers this connection carried: a failure on a connection used
    /// before, with nothing of the answer received, is a stale connection.
    @exclusivity(unchecked) private var answered = 0
    @exclusivity(unchecked) private var isIdle = false
    @exclusivity(unchecked) private var isClosed = false

    init(pool: ConnectionPool) {
        self.pool = pool
        // The parser is this connection's alone and goes with it: its
        // handlers need no checked reference back (one per call saved).
        parser = ResponseParser(
            onHead: { [unowned(unsafe) self] status, headers in transfer?.deliverHead(status, headers) ?? false },
            onBody: { [unowned(unsafe) self] bytes in transfer?.deliverBody(bytes) ?? false })
        head.reserveCapacity(512)
    }

    func open() {
        // The connection holds itself through these closures until closed.
        tcp = TCPConnection.connect(loop: pool.loop, host: pool.host, port: pool.port) { [self] error in
            connectTimer?.cancel()
            connectTimer = nil
            if let error {
                let message = "\(pool.host):\(pool.port): \(error)"
                return failConnecting(error.isLocalResourceExhaustion ? .localResources(message) : .connectFailed(message))
            }
            tcp.setHandlers(
                onRead: { [self] in received($0) }, onEnd: { [self] in ended($0) },
                onDrained: {}, onClosed: {})
            tcp.resumeReading()
            pool.connected(self)
        }
        let milliseconds = pool.configuration.connectTimeoutMilliseconds
        if milliseconds > 0 {
            connectTimer = pool.loop.schedule(afterMilliseconds: UInt64(milliseconds)) { [self] in
                connectTimer = nil
                failConnecting(.connectFailed("connect timed out after \(milliseconds) ms"))
            }
        }
    }

    private func failConnecting(_ error: UpstreamError) {
        guard !isClosed else { return }
        isClosed = true
        tcp.close()
        pool.connectFailed(error)
    }

    // MARK: one request

    func begin(_ transfer: NativeTransfer) {
        isIdle = false
        self.transfer = transfer
        transfer.connection = self
        // Read once: each read of the transfer's request copies all its fields.
        let request = transfer.request
        parser.begin(expectsBody: request.method != "HEAD")
        RequestHead.spell(request, tail: pool.headTail, into: &head)
        tcp.writeBatched(head, request.body)
        tcp.resumeReading()
    }

    func becomeIdle() {
        isIdle = true
        tcp.resumeReading()
    }

    func resumeReading() { tcp.resumeReading() }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        // Idle, nothing is expected: the connection cannot be trusted.
        guard let transfer else { return close() }
        let outcome = parser.parse(bytes)
        // A handler may have cancelled the transfer (and closed this) meanwhile.
        guard self.transfer === transfer else { return }
        switch outcome {
        case .needsMore:
            if transfer.isPaused { tcp.pauseReading() }
        case .complete(let leftover):
            finish(transfer, reusable: leftover == 0 && parser.keepsAlive)
        case .failed(let reason):
            close()
            transfer.complete(.failure(.transport("unreadable answer from the worker: \(reason)")))
        }
    }

    /// The worker closed the connection (`error` nil) or it failed.
    private func ended(_ error: UVError?) {
        guard let transfer else { return close() }
        let outcome = error == nil ? parser.finish() : nil
        if case .complete? = outcome { return finish(transfer, reusable: false) }
        close()
        if answered > 0, !parser.hasInput, transfer.maySendAgain { return transfer.sendAgain() }
        let reason =
            if case .failed(let message)? = outcome { message } else {
                "connection to the worker failed: \(error.map { "\($0)" } ?? "closed")"
            }
        transfer.complete(.failure(.transport(reason)))
    }

    private func finish(_ transfer: NativeTransfer, reusable: Bool) {
        self.transfer = nil
        transfer.connection = nil
        answered += 1
        if reusable { pool.handOver(self) } else { close() }
        transfer.complete(.success(()))
    }

    /// Closes now; a request on it is the caller's to finish. A request
    /// still held back for the end of the loop's iteration is dropped, not
    /// sent: it was cancelled, or its connection failed.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        connectTimer?.cancel()
        connectTimer = nil
        transfer?.connection = nil
        transfer = nil
        tcp.close(sendingHeldWrite: false)
        pool.closed(self, wasIdle: isIdle)
    }
}
