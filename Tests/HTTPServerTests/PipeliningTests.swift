import EventLoop
import HTTPServer
import Testing
import TestSupport

/// Requests sent back to back on one connection are answered in order.
@Suite struct PipeliningTests {
    @Test func answersInRequestOrderWhenTheHandlerAnswersOutOfOrder() throws {
        // /first waits (polling with a timer) until the later requests have
        // been answered, so the server must hold their answers back.
        let laterAnswered = Locked(0)
        let server = try TestServer { request, responder, loop in
            switch request.target {
            case "/first":
                let poll = LoopTimer(loop: loop)
                poll.start(afterMilliseconds: 5, repeatMilliseconds: 5) { [unowned poll] in
                    guard laterAnswered.value == 2 else { return }
                    poll.cancel()
                    echoHandler(request, responder, loop)
                }
            case "/streamed":
                responder.startStream(status: 200, headers: [:])
                responder.writeChunk(Array("part one, ".utf8))
                responder.writeChunk(Array("part two".utf8))
                responder.finishStream()
                laterAnswered.withLock { $0 += 1 }
            default:
                echoHandler(request, responder, loop)
                laterAnswered.withLock { $0 += 1 }
            }
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send(
            "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /streamed HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /third HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        #expect(try client.readResponse().text == echoed("GET", "/first"))
        #expect(try client.readResponse().text == "part one, part two")
        #expect(try client.readResponse().text == echoed("POST", "/third", body: "hi"))
    }

    /// More requests than `maxPipelinedRequests` in one write: the server
    /// parks the surplus and resumes as answers (given in a shuffled order)
    /// free the pipeline. The handler never holds more than the limit.
    @Test func moreRequestsThanThePipelineHoldsAreAllAnsweredInOrder() throws {
        struct Unanswered {
            var now = 0
            var most = 0
        }
        var configuration = HTTPServerConfiguration()
        configuration.maxPipelinedRequests = 4
        let unanswered = Locked(Unanswered())
        let server = try TestServer(configuration: configuration) { request, responder, loop in
            unanswered.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
            let number = Int(request.target.dropFirst()) ?? 0
            loop.schedule(afterMilliseconds: UInt64((number * 7) % 5)) {
                unanswered.withLock { $0.now -= 1 }
                echoHandler(request, responder, loop)
            }
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send((0..<50).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
        for number in 0..<50 {
            #expect(try client.readResponse().text == echoed("GET", "/\(number)"))
        }
        #expect(unanswered.value.most <= configuration.maxPipelinedRequests)
    }

    @Test func aMalformedRequestIsAnsweredAfterTheEarlierOnesThenTheConnectionCloses() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET /good HTTP/1.1\r\nHost: x\r\n\r\nNOT HTTP AT ALL\r\n\r\n")
        #expect(try client.readResponse().text == echoed("GET", "/good"))
        #expect(try client.readResponse().status == 400)
        #expect(client.isClosedByPeer())
    }
}
