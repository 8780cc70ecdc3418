import Foundation
import HTTPServer
import Testing
import TestSupport

/// A client that reads its answer slower than the server writes it: the
/// answer waits in the server's write queue. It is not an idle connection,
/// so neither the keep-alive timeout nor a shutdown may cut it off while
/// the client keeps reading; a client that stopped reading is closed after
/// the idle timeout.
@Suite struct SlowReaderTests {
    /// Far more than the kernel's socket buffers on both sides hold
    /// (`tcp_wmem`'s largest is 4 MB), so most of it queues in the server.
    static let answerSize = 16 * 1024 * 1024

    static func largeAnswerServer(_ configuration: HTTPServerConfiguration = .init(),
                                  answered: Locked<Int>) throws -> TestServer {
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: answerSize)
        return try TestServer(configuration: configuration) { _, responder, _ in
            responder.send(HTTPResponse(status: 200, body: body))
            answered.withLock { $0 += 1 }
        }
    }

    @Test func shutdownLetsAClientReadAnAnswerStillQueued() throws {
        let answered = Locked(0)
        let server = try Self.largeAnswerServer(answered: answered)
        let client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
        try client.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(eventually { answered.value == 1 })
        #expect(server.sync { server, _ in server.connectionCount } == 1)

        let completed = Locked(false)
        server.sync { server, _ in
            server.shutdown(gracePeriodMilliseconds: 60_000) { completed.value = true }
        }
        let response = try client.readResponse(timeout: 60)
        #expect(response.body.count == Self.answerSize)
        // Read to the end: the server closes the connection and is done,
        // long before the grace period.
        #expect(client.isClosedByPeer(timeout: 30))
        #expect(eventually(timeout: 30) { completed.value })
    }

    @Test func aClientThatKeepsReadingSlowlyIsNotTakenForIdle() throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeoutMilliseconds = 1_000
        let answered = Locked(0)
        let server = try Self.largeAnswerServer(configuration, answered: answered)
        let client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
        try client.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponseHead()
        #expect(head.status == 200)
        // 128 pieces with a pause after each: the whole answer takes longer
        // than the idle timeout, every pause far less.
        let piece = Self.answerSize / 128
        var received = 0
        while received < Self.answerSize {
            received += try client.readBytes(piece, timeout: 30).count
            usleep(20_000)
        }
        #expect(received == Self.answerSize)
        #expect(answered.value == 1)
    }

    @Test func aClientThatStopsReadingIsClosedAfterTheIdleTimeout() throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeoutMilliseconds = 300
        let answered = Locked(0)
        let server = try Self.largeAnswerServer(configuration, answered: answered)
        let client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
        try client.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(eventually { answered.value == 1 })
        #expect(eventually(timeout: 30) { server.sync { server, _ in server.connectionCount } == 0 })
        withExtendedLifetime(client) {}
    }
}
