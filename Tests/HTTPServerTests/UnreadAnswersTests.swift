import HTTPServer
import Testing
import TestSupport

/// A client that pipelines requests but does not read the answers is not
/// read either: once its unread answers pass `writeHighWatermark`, the
/// server hands the handler no further request until the client catches up.
@Suite struct UnreadAnswersTests {
    struct Dispatches {
        var count = 0
        /// Requests handed over while the client's unread answers were
        /// already above the watermark: reading should have stopped.
        var whileClientSlow = 0
    }

    @Test func aClientThatDoesNotReadItsAnswersIsNotGivenMoreRequests() throws {
        var configuration = HTTPServerConfiguration()
        configuration.writeHighWatermark = 64 * 1024
        let requestCount = 200
        // 200 answers of 256 KB are far more than socket buffers and the
        // watermark hold, so the server must stop well before the last one.
        let bodySize = 256 * 1024
        let dispatches = Locked(Dispatches())
        // Each answer is sent at once, so every request handed over is at
        // the head of the line and `isClientSlow` reflects the write queue.
        let server = try TestServer(configuration: configuration) { request, responder, _ in
            dispatches.withLock {
                $0.count += 1
                if responder.isClientSlow { $0.whileClientSlow += 1 }
            }
            responder.send(HTTPResponse(status: 200, headers: [:], body: paddedEcho(of: request.target, to: bodySize)))
        }
        let client = try RawHTTPConnection(port: server.port, receiveBufferSize: 4096)
        try client.send((0..<requestCount).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())

        #expect(eventually { dispatches.value.count > 0 })
        let settled = try #require(server.settledValue { dispatches.value.count })
        #expect(settled < requestCount)
        #expect(dispatches.value.whileClientSlow == 0)

        for number in 0..<requestCount {
            let response = try client.readResponse()
            #expect(response.body == paddedEcho(of: "/\(number)", to: bodySize))
        }
        #expect(dispatches.value.count == requestCount)
        #expect(dispatches.value.whileClientSlow == 0)
    }
}

/// The target, so that an answer shows which request it belongs to, padded
/// with dots to `size` bytes.
private func paddedEcho(of target: String, to size: Int) -> [UInt8] {
    let head = Array("\(target)\n".utf8)
    return head + [UInt8](repeating: UInt8(ascii: "."), count: size - head.count)
}
