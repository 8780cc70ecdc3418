import EventLoop
import Foundation
import Testing
import TestSupport

/// A handle's owner lives until libuv's close callback, then goes away; a
/// loop whose handles are all closed has nothing left to run.
@Suite struct HandleClosingTests {
    /// Makes a handle with `make`, closes it with `close`, and checks that
    /// it is released only once the loop has run the close callback.
    private func expectReleasedAfterClose<Owner: AnyObject>(
        _ make: (EventLoop) throws -> Owner,
        close: (Owner) -> Void
    ) throws {
        let loop = EventLoop()
        weak var weakOwner: Owner?
        do {
            let owner = try make(loop)
            weakOwner = owner
            close(owner)
        }
        #expect(weakOwner != nil, "released before the close callback ran")
        let stillAlive = loop.runOnce()
        #expect(weakOwner == nil)
        #expect(!stillAlive)
    }

    @Test func timer() throws {
        try expectReleasedAfterClose(
            { loop in
                let timer = LoopTimer(loop: loop)
                timer.start(afterMilliseconds: 60_000) {}
                return timer
            }, close: { $0.cancel() })
    }

    @Test func wakeup() throws {
        try expectReleasedAfterClose({ LoopWakeup(loop: $0) {} }, close: { $0.close() })
    }

    @Test func signalWatcher() throws {
        try expectReleasedAfterClose({ SignalWatcher(loop: $0, signal: SIGUSR1) { _ in } }, close: { $0.close() })
    }

    @Test func listener() throws {
        try expectReleasedAfterClose(
            { try TCPListener(loop: $0, host: "127.0.0.1", port: 0) { $0.close() } },
            close: { $0.close() })
    }

    @Test func tcpConnection() throws {
        var client: RawHTTPConnection?
        try expectReleasedAfterClose(
            { loop in
                try acceptConnection(on: loop) { client = try RawHTTPConnection(port: $0) }
            }, close: { $0.close() })
        withExtendedLifetime(client) {}
    }

    /// libuv cancels the pending write while closing and calls its callback,
    /// which must still find the connection alive.
    @Test func tcpConnectionWithAWritePending() throws {
        var client: RawHTTPConnection?
        try expectReleasedAfterClose(
            { loop in
                let connection = try acceptConnection(on: loop) {
                    client = try RawHTTPConnection(port: $0, receiveBufferSize: 4096)
                }
                // More than the socket buffers of a client that reads nothing take.
                connection.write([UInt8](repeating: 0, count: 16 * 1024 * 1024))
                #expect(connection.queuedBytes > 0, "no write is pending")
                return connection
            }, close: { $0.close() })
        withExtendedLifetime(client) {}
    }

    /// The server side of a loopback connection that `connect` opens to the
    /// port it is given. The listener is closed again.
    private func acceptConnection(on loop: EventLoop, _ connect: (Int) throws -> Void) throws -> TCPConnection {
        var accepted: TCPConnection?
        let listener = try TCPListener(loop: loop, host: "127.0.0.1", port: 0) { connection in
            accepted = connection
            loop.stop()
        }
        defer { listener.close() }
        try connect(listener.port)
        #expect(loop.runUntilStopped())
        return try #require(accepted)
    }

    @Test func aSignalWatcherDeliversItsSignalOnTheLoop() {
        let loop = EventLoop()
        var received: [Int32] = []
        var watcher: SignalWatcher?
        watcher = SignalWatcher(loop: loop, signal: SIGUSR2) { signal in
            received.append(signal)
            watcher?.close()
            loop.stop()
        }
        loop.schedule(afterMilliseconds: 0) { kill(getpid(), SIGUSR2) }
        #expect(loop.runUntilStopped())
        #expect(received == [SIGUSR2])
    }
}
