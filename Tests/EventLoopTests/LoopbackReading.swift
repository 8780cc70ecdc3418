import EventLoop
import Testing

extension EventLoop {
    /// Listens on loopback, lets `connect` open connections to the port and
    /// write, runs until a client's end, and returns what the listener read.
    func readFromLoopback(_ connect: (_ port: Int) -> Void) throws -> String {
        var received: [UInt8] = []
        var accepted: [TCPConnection] = []
        let listener = try TCPListener(loop: self, host: "127.0.0.1", port: 0) { [unowned self] connection in
            accepted.append(connection)
            connection.setHandlers(onRead: { received += $0 }, onEnd: { _ in self.stop() }, onDrained: {}, onClosed: {})
            connection.resumeReading()
        }
        connect(listener.port)
        #expect(runUntilStopped())
        listener.close()
        for connection in accepted { connection.close() }
        return String(decoding: received, as: UTF8.self)
    }
}
