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

        init(
            idleTimeoutMilliseconds: UInt64? = nil, answerSize: Int = SlowReaderTests.answerSize,
            request: String = "GET /large HTTP/1.1\r\nHost: x\r\n\r\n"
        ) throws {
            var configuration = HTTPServerConfiguration()
            if let idleTimeoutMilliseconds { configuration.idleTimeoutMilliseconds = idleTimeoutMilliseconds }
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: answerSize)
            let answered = answered
            server = try TestServer(configuration: configuration) { _, responder, _ in
                responder.send(HTTPResponse(status: 200, body: body))
                answered.withLock { $0 += 1 }
            }
            client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
            try client.send(request)
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
        large.client.close()
        #expect(eventually(timeout: 30) { completed.value })
    }

    /// The answer to a request in flight when the shutdown began goes out
    /// with `Connection: close`; the server is not done until it is written.
    @Test func shutdownWaitsForAnAnswerBegunDuringTheGracePeriod() throws {
        let held = Locked<HTTPResponder?>(nil)
        let server = try TestServer { _, responder, _ in held.value = responder }
        let client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
        try client.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(eventually { held.value != nil })
        let completed = Locked(false)
        server.sync { server, _ in
            server.shutdown(gracePeriodMilliseconds: 60_000) { completed.value = true }
        }
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: Self.answerSize)
        server.sync { _, _ in held.value?.send(HTTPResponse(status: 200, body: body)) }
        // The client has read nothing yet, so most of the answer is queued.
        #expect(!completed.value)
        let response = try client.readResponse(timeout: 60)
        #expect(response.body.count == Self.answerSize)
        #expect(response.header("Connection") == "close")
        client.close()
        #expect(eventually(timeout: 30) { completed.value })
    }

    /// Pipelined input the server has not read when it closes (it stopped
    /// reading at the full write queue) must not reset the connection under
    /// the answer still on its way.
    @Test func closingWithUnreadInputLosesNoAnswer() throws {
        let large = try LargeAnswer()
        #expect(eventually { large.answered.value == 1 })
        try large.client.send("GET /unread HTTP/1.1\r\nHost: x\r\n\r\n")
        let completed = Locked(false)
        large.server.sync { server, _ in
            server.shutdown(gracePeriodMilliseconds: 60_000) { completed.value = true }
        }
        let response = try large.client.readResponse(timeout: 60)
        #expect(response.body.count == Self.answerSize)
        large.client.close()
        #expect(eventually(timeout: 30) { completed.value })
    }

    /// A connection that closes after its answer is still timed out when
    /// the client does not read: it is closed, not left to wait forever.
    @Test func aClosingConnectionWhoseClientStopsReadingIsClosed() throws {
        let large = try LargeAnswer(
            idleTimeoutMilliseconds: 300,
            request: "GET /large HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(eventually { large.answered.value == 1 })
        #expect(eventually(timeout: 30) { large.server.sync { server, _ in server.connectionCount } == 0 })
        // Closed with most of the answer still queued: the client gets less.
        let received = (try? large.client.readUntilClosed(timeout: 30)) ?? []
        #expect(received.count < Self.answerSize)
    }

    @Test func aClientThatKeepsReadingSlowlyIsNotTakenForIdle() throws {
        // The server sees a reader's progress each time the kernel takes
        // more of the answer, about every 2 MB here: 256 KB every 10 ms is
        // a refill every ~80 ms, far within the idle timeout, while the
        // whole 32 MB takes longer than it.
        let answerSize = 32 * 1024 * 1024
        let large = try LargeAnswer(idleTimeoutMilliseconds: 1_000, answerSize: answerSize)
        let head = try large.client.readResponseHead()
        #expect(head.status == 200)
        let piece = 256 * 1024
        var received = 0
        while received < answerSize {
            received += try large.client.readBytes(piece, timeout: 30).count
            usleep(10_000)
        }
        #expect(received == answerSize)
        #expect(large.answered.value == 1)
    }

    @Test func aClientThatStopsReadingIsClosedAfterTheIdleTimeout() throws {
        let large = try LargeAnswer(idleTimeoutMilliseconds: 300)
        #expect(eventually { large.answered.value == 1 })
        #expect(eventually(timeout: 30) { large.server.sync { server, _ in server.connectionCount } == 0 })
    }

    /// While the server holds reading back (its answers wait for the
    /// client), a request it has begun to read is not timed out: the clock
    /// runs again once it reads again.
    @Test func aRequestHeldBackByTheServerIsNotTimedOut() throws {
        var configuration = HTTPServerConfiguration()
        // Room for the client to read the last megabyte queued after the
        // server resumes reading (slow under a sanitizer on a busy machine).
        configuration.requestReadTimeoutMilliseconds = 1000
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: Self.answerSize)
        let server = try TestServer(configuration: configuration) { request, responder, loop in
            // Answered later, once the next request's head has begun to arrive.
            let answer = HTTPResponse(status: 200, body: request.target == "/large" ? body : [])
            _ = loop.schedule(afterMilliseconds: request.target == "/large" ? 200 : 0) { responder.send(answer) }
        }
        let client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
        try client.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\n")
        // Far longer than the read timeout, with the answer filling the queue.
        usleep(3_000_000)
        let first = try client.readResponse(timeout: 60)
        #expect(first.body.count == Self.answerSize)
        try client.send("Host: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }
}
