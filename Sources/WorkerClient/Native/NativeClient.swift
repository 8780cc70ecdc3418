import EventLoop

/// Worker calls to `http://` workers on our own HTTP/1.1 client: libuv TCP
/// connections pooled per worker, answers read with llhttp.
final class NativeClient {
    let loop: EventLoop
    let configuration: WorkerClientConfiguration
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    @exclusivity(unchecked) private(set) var pools: [String: ConnectionPool] = [:]
    /// Idle connections, all workers together (`maxIdleConnections`).
    @exclusivity(unchecked) var idleConnections = 0
    /// Every request's timeout, on one timer.
    private(set) lazy var timeouts = RequestTimeouts(loop: loop)

    init(loop: EventLoop, configuration: WorkerClientConfiguration) {
        self.loop = loop
        self.configuration = configuration
    }

    /// Worker addresses may remember its pools (`pool(for:)`) and outlive it.
    deinit {
        for pool in pools.values { pool.hasLeftClient = true }
    }

    /// Starts a request to an `http://` URL.
    func start(_ request: consuming UpstreamRequest, handlers: UpstreamHandlers) -> NativeTransfer {
        let transfer = NativeTransfer(pool: pool(for: request.worker), request: request, handlers: handlers)
        transfer.start()
        return transfer
    }

    /// The pool of `address`'s authority, made on first use. The one the
    /// address knows is taken while it is still this client's: the flag is
    /// read first, since a pool that left a client no longer alive must not
    /// read its (unchecked) reference to it.
    func pool(for address: WorkerAddress) -> ConnectionPool {
        if let known = address.knownPool, !known.hasLeftClient, known.client === self { return known }
        let authority = address.authority
        let pool =
            pools[authority]
            ?? {
                let pool = ConnectionPool(client: self, authority: authority[...])
                pools[authority] = pool
                return pool
            }()
        address.knownPool = pool
        return pool
    }

    /// The worker at `url` was removed: its idle connections close, and its
    /// pool goes once the requests still running there have ended.
    func forget(workerURL url: String) {
        let address = WorkerAddress(url)
        guard address.isPlain else { return }
        pools[address.authority]?.retire()
    }

    /// Called by a retired pool whose last connection closed.
    func poolUnused(_ pool: ConnectionPool) {
        pool.hasLeftClient = true
        if let key = pools.first(where: { $0.value === pool })?.key { pools[key] = nil }
    }
}
