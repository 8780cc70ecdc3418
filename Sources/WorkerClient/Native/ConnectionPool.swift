import EventLoop

/// The connections to one worker: idle ones kept for reuse (the most
/// recent first), requests waiting for one, and the limit on how many may
/// be open at once (`maxConnectionsPerWorker`; nginx's `max_conns` with a
/// queue). A connection is opened for a waiting request and goes to
/// whichever request waits first once it is up.
final class ConnectionPool {
    /// The client keeps its pools and outlives their use (a worker's address
    /// may keep one past it, marked `hasLeftClient`): no checked reference
    /// (`unowned` safe retained and released the client at every use).
    unowned(unsafe) let client: NativeClient
    let host: String
    let port: Int
    /// `HTTP/1.1` and the Host field: the part of every request head that
    /// is the same for this worker, spelled once.
    let headTail: [UInt8]
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    @exclusivity(unchecked) private var idle: [WorkerConnection] = []
    @exclusivity(unchecked) private var waiting = WaitingQueue<NativeTransfer>()
    /// Connecting, busy and idle together.
    @exclusivity(unchecked) private var open = 0
    @exclusivity(unchecked) private var connecting = 0
    /// The worker was removed: no connection goes idle, and the pool leaves
    /// the client once its last one closed.
    @exclusivity(unchecked) private(set) var isRetired = false
    /// It left its client's pools, or its client is gone: a request to its
    /// worker gets another pool, whatever pool the worker's address remembers.
    @exclusivity(unchecked) var hasLeftClient = false

    init(client: NativeClient, authority: Substring) {
        self.client = client
        (host, port) = PlainHTTPURL.hostAndPort(authority)
        let hostField = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        headTail = RequestHead.tail(host: hostField)
    }

    var loop: EventLoop { client.loop }
    var configuration: WorkerClientConfiguration { client.configuration }

    /// Sends `transfer` on an idle connection, or queues it for one.
    func acquire(_ transfer: NativeTransfer) {
        isRetired = false  // the worker is back
        if let connection = idle.popLast() {
            client.idleConnections -= 1
            return connection.begin(transfer)
        }
        waiting.append(transfer)
        openConnections()
    }

    /// A pooled connection failed before any of the answer came: the
    /// worker had closed it. The request goes first in the queue and a
    /// connection is opened for it.
    func sendAgain(_ transfer: NativeTransfer) {
        waiting.prepend(transfer)
        openConnections()
    }

    func stopWaiting(_ transfer: NativeTransfer) {
        waiting.remove(transfer)
    }

    /// The worker was removed: idle connections close now, busy ones once
    /// their answer ended.
    func retire() {
        isRetired = true
        for connection in idle.reversed() { connection.close() }
        leaveClientIfUnused()
    }

    private func leaveClientIfUnused() {
        if isRetired, open == 0, waiting.count == 0 { client.poolUnused(self) }
    }

    /// One connection in the making per waiting request, within the limit.
    private func openConnections() {
        let limit = configuration.maxConnectionsPerWorker
        while connecting < waiting.count, limit == 0 || open < limit {
            open += 1
            connecting += 1
            WorkerConnection(pool: self).open()
        }
    }

    // MARK: from connections

    func connected(_ connection: WorkerConnection) {
        connecting -= 1
        handOver(connection)
    }

    /// The connection could not be made: the first waiting request fails
    /// with `error` (`.connectFailed` or `.localResources`).
    func connectFailed(_ error: UpstreamError) {
        connecting -= 1
        open -= 1
        let first = waiting.popFirst()
        openConnections()
        first?.complete(.failure(error))
        // A removed worker's last connection may be one that never came up.
        leaveClientIfUnused()
    }

    /// A connection whose answer ended and which may carry another request.
    func handOver(_ connection: WorkerConnection) {
        if let next = waiting.popFirst() {
            connection.begin(next)
        } else if !isRetired, client.idleConnections < configuration.maxIdleConnections {
            client.idleConnections += 1
            idle.append(connection)
            connection.becomeIdle()
        } else {
            connection.close()
        }
    }

    /// A connection that was up has closed.
    func closed(_ connection: WorkerConnection, wasIdle: Bool) {
        open -= 1
        if wasIdle, let index = idle.lastIndex(where: { $0 === connection }) {
            idle.remove(at: index)
            client.idleConnections -= 1
        }
        openConnections()
        leaveClientIfUnused()
    }
}
