import HTTPServer
import Testing
import TestSupport

/// A handler streaming to a client that does not read is told to pause
/// (`isClientSlow`) and to go on (`onWritable`) once the client drains.
@Suite struct BackpressureTests {
    struct Progress {
        var written = 0
        var writtenWhenFirstSlow: Int?
        var writableCalls = 0
        var finished = false
    }

    /// Writes while the client keeps up; after the first slowdown, writes
    /// `extraBytes` more (as the client allows) and finishes. Loop thread only.
    final class Streamer {
        let responder: HTTPResponder
        let progress: Locked<Progress>
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 16 * 1024)
        let extraBytes = 1024 * 1024
        /// A client that never seems slow fails the test instead of hanging it.
        let safetyLimit = 64 * 1024 * 1024

        init(responder: HTTPResponder, progress: Locked<Progress>) {
            self.responder = responder
            self.progress = progress
            responder.onWritable = { [self] in
                progress.withLock { $0.writableCalls += 1 }
                pump()
            }
        }

        func pump() {
            while !responder.isClientSlow {
                let state = progress.value
                if state.written >= (state.writtenWhenFirstSlow.map { $0 + extraBytes } ?? safetyLimit) {
                    responder.finishStream()
                    progress.withLock { $0.finished = true }
                    return
                }
                responder.writeChunk(piece)
                progress.withLock { $0.written += piece.count }
            }
            progress.withLock { $0.writtenWhenFirstSlow = $0.writtenWhenFirstSlow ?? $0.written }
        }
    }

    @Test func aClientThatDoesNotReadIsReportedSlowAndThenWritable() throws {
        var configuration = HTTPServerConfiguration()
        configuration.writeHighWatermark = 64 * 1024
        let progress = Locked(Progress())
        let server = try TestServer(configuration: configuration) { _, responder, _ in
            responder.startStream(status: 200, headers: [:])
            Streamer(responder: responder, progress: progress).pump()
        }
        let client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
        try client.send("GET /firehose HTTP/1.1\r\nHost: x\r\n\r\n")

        #expect(eventually { progress.value.writtenWhenFirstSlow != nil })
        #expect(progress.value.writableCalls == 0)
        #expect(!progress.value.finished)

        let response = try client.readResponse(timeout: 120)
        let final = progress.value
        #expect(final.finished)
        #expect(final.writableCalls >= 1)
        #expect(response.body.count == final.written)
        #expect(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
    }
}
