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

    /// A server that answers every request with `answerSize` bytes, and a
    /// client with a small receive buffer that has asked for one answer.
    struct LargeAnswer {
        let server: TestServer
        let client: RawHTTPConnection
        let answered = Locked(0)

        init(idleTimeoutMilliseconds: UInt64? = nil) throws {
            var configuration = HTTPServerConfiguration()
            if let idleTimeoutMilliseconds { configuration.idleTimeoutMilliseconds = idleTimeoutMilliseconds }
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: SlowReaderTests.answerSize)
            let answered = answered
            server = try TestServer(configuration: configuration) { _, responder, _ in
                responder.send(HTTPResponse(status: 200, body: body))
                answered.withLock { $0 += 1 }
            }
            client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
            try client.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
        }
    }

    @Test func shutdownLetsAClientReadAnAnswerStillQueued() throws {
        let large = try LargeAnswer()
        #expect(eventually { large.answered.value == 1 })
        #expect(large.server.sync { server, _ in server.connectionCount } == 1)

        let completed = Locked(false)
        large.server.sync { server, _ in
            server.shutdown(gracePeriodMilliseconds: 60_000) { completed.value = true }
        }
        let response = try large.client.readResponse(timeout: 60)
        #expect(response.body.count == Self.answerSize)
        // Read to the end: the server closes the connection and is done,
        // long before the grace period.
        #expect(large.client.isClosedByPeer(timeout: 30))
        #expect(eventually(timeout: 30) { completed.value })
    }

    @Test func aClientThatKeepsReadingSlowlyIsNotTakenForIdle() throws {
        let large = try LargeAnswer(idleTimeoutMilliseconds: 1_000)
        let head = try large.client.readResponseHead()
        #expect(head.status == 200)
        // 128 pieces with a pause after each: the whole answer takes longer
        // than the idle timeout, every pause far less.
        let piece = Self.answerSize / 128
        var received = 0
        while received < Self.answerSize {
            received += try large.client.readBytes(piece, timeout: 30).count
            usleep(20_000)
        }
        #expect(received == Self.answerSize)
        #expect(large.answered.value == 1)
    }

    @Test func aClientThatStopsReadingIsClosedAfterTheIdleTimeout() throws {
        let large = try LargeAnswer(idleTimeoutMilliseconds: 300)
        #expect(eventually { large.answered.value == 1 })
        #expect(eventually(timeout: 30) { large.server.sync { server, _ in server.connectionCount } == 0 })
    }
}
