import HTTPServer
import Testing
@testable import Router

/// Whole exchanges through the real `ProxyExchange`, in process: the cases
/// of WorkerFailureTests, NextWorkerTests and StreamingTests that concern
/// the exchange's choices, without sockets or processes (those suites keep
/// proving the real thing on loopback).
@Suite struct InProcessExchangeTests {
    private let generate = #"{"text":"Hi","sampling_params":{"max_new_tokens":2}}"#

    @Test func aGenerationIsSentToAWorkerAndItsAnswerDelivered() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate?x=1", body: generate)
        #expect(router.upstream.last.request.url == "http://a/generate?x=1")
        #expect(router.upstream.last.request.body == Array(generate.utf8))
        #expect(router.inFlight("http://a") == 1)
        router.upstream.last.answer(200, #"{"text":" there"}"#)
        #expect(answer.status == 200)
        #expect(answer.text == #"{"text":" there"}"#)
        #expect(answer.ending == .sent)
        #expect(router.inFlight("http://a") == 0)
        #expect(router.metrics.proxied.total == 1)
    }

    @Test func aFailedGenerationIsRetriedAtAnotherWorker() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate", body: generate)
        router.upstream.last.answer(500, "boom")
        #expect(answer.status == nil)
        router.runUntilCalls(2)
        #expect(router.upstream.last.request.url == "http://b/generate")
        router.upstream.last.answer(200, #"{"text":"ok"}"#)
        #expect(answer.status == 200)
        #expect(answer.text == #"{"text":"ok"}"#)
        #expect(router.metrics.retries.total == 1)
        #expect(router.inFlight("http://a") == 0)
        #expect(router.inFlight("http://b") == 0)
    }

    @Test func anAbortedGenerationIsRetriedThenItsLastAnswerGoesBack() {
        let router = InProcessRouter(maxAttempts: 2)
        let answer = router.send("POST", "/generate", body: generate)
        let aborted = #"{"text":"","meta_info":{"finish_reason":{"type":"abort"}}}"#
        router.upstream.last.answer(200, aborted)
        router.runUntilCalls(2)
        router.upstream.last.answer(200, aborted)
        #expect(answer.status == 200)
        #expect(answer.text == aborted)
        #expect(router.metrics.aborts.total == 2)
        #expect(router.metrics.retries.total == 1)
    }

    @Test func aRefusingWorkerIsSkippedAndCountedAgainstItsHealth() {
        let router = InProcessRouter()
        let answer = router.send("GET", "/get_model_info")
        router.upstream.last.fail(.connectFailed("refused"))
        #expect(router.upstream.calls.count == 2)
        #expect(router.upstream.last.request.url == "http://b/get_model_info")
        router.upstream.last.answer(200, "{}")
        #expect(answer.status == 200)
        #expect(router.pool.worker(url: "http://a")?.consecutiveFailures == 1)
        #expect(router.metrics.upstreamErrors.total == 1)
    }

    @Test func aBrokenPostThatMayNotBeSentTwiceAnswers502() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/mock/echo", body: "{}")
        router.upstream.last.fail(.transport("connection reset"))
        #expect(router.upstream.calls.count == 1)
        #expect(answer.status == 502)
        #expect(answer.text.contains("connection reset"))
    }

    @Test func noWorkerAnswers503() {
        let router = InProcessRouter(workers: [])
        let answer = router.send("POST", "/generate", body: generate)
        #expect(answer.status == 503)
        #expect(answer.text.contains("no healthy worker available"))
        #expect(router.upstream.calls.isEmpty)
    }

    @Test func aStreamIsRelayedPieceByPieceAndSeenByTheMiddlewares() {
        let observer = StreamObserver()
        let router = InProcessRouter(middlewares: [observer])
        let answer = router.send("POST", "/generate", body: #"{"text":"Hi","stream":true}"#)
        let call = router.upstream.last
        call.head(200, [("Transfer-Encoding", "chunked"), ("Connection", "keep-alive")])
        #expect(answer.streamLength == .some(nil))
        #expect(answer.headers["connection"] == nil)
        call.body("data: 1\n\n")
        call.body("data: [DONE]\n\n")
        #expect(answer.text == "data: 1\n\ndata: [DONE]\n\n")
        #expect(answer.ending == nil)
        call.complete()
        #expect(observer.seen == "data: 1\n\ndata: [DONE]\n\n")
        #expect(observer.endings == [true])
        #expect(answer.ending == .finished)
    }

    @Test func aSlowClientPausesTheWorkerUntilItDrains() {
        let router = InProcessRouter()
        let answer = router.send("GET", "/big")
        let call = router.upstream.last
        call.head(200, [("Content-Length", "6")])
        #expect(answer.streamLength == .some(6))
        answer.isClientSlow = true
        #expect(!call.body("abc"))
        answer.isClientSlow = false
        answer.onWritable?()
        #expect(call.resumed == 1)
        #expect(call.body("def"))
    }

    @Test func aHeadAnswerAnnouncesNoBody() {
        let router = InProcessRouter()
        let answer = router.send("HEAD", "/anything")
        router.upstream.last.head(200)
        #expect(answer.streamLength == .some(0))
    }

    @Test func aFailureAfterTheHeadCutsTheStreamShort() {
        let observer = StreamObserver()
        let router = InProcessRouter(middlewares: [observer])
        let answer = router.send("GET", "/events")
        router.upstream.last.head(200)
        router.upstream.last.body("part")
        router.upstream.last.fail(.transport("reset"))
        #expect(answer.ending == .aborted)
        #expect(observer.endings == [false])
        #expect(router.upstream.calls.count == 1)
        #expect(router.metrics.upstreamErrors.total == 0)
    }

    @Test func aClientLeavingMidStreamCancelsTheWorkerCall() {
        let observer = StreamObserver()
        let router = InProcessRouter(middlewares: [observer])
        let answer = router.send("GET", "/events")
        router.upstream.last.head(200)
        answer.leave()
        #expect(router.upstream.last.isCancelled)
        #expect(observer.endings == [false])
        #expect(router.inFlight("http://a") == 0)
        #expect(router.metrics.proxied.total == 1)
    }

    @Test func aMiddlewaresOwnAnswerReachesNoWorker() {
        let router = InProcessRouter(middlewares: [Refuser()])
        let answer = router.send("POST", "/generate", body: generate)
        #expect(answer.status == 418)
        #expect(router.upstream.calls.isEmpty)
    }
}

/// Records what a stream looked like to a middleware.
private final class StreamObserver: Middleware {
    var seen = ""
    var endings: [Bool] = []

    func prepare(_ request: ProxiedRequest, context: MiddlewareContext, done: @escaping (MiddlewareVerdict) -> Void) {
        done(.forward)
    }

    func observeStream(_ bytes: UnsafeRawBufferPointer, for request: ProxiedRequest, context: MiddlewareContext) {
        seen += String(decoding: bytes, as: UTF8.self)
    }

    func streamEnded(for request: ProxiedRequest, succeeded: Bool, context: MiddlewareContext, done: @escaping () -> Void) {
        endings.append(succeeded)
        done()
    }
}

/// Answers every request itself.
private final class Refuser: Middleware {
    func prepare(_ request: ProxiedRequest, context: MiddlewareContext, done: @escaping (MiddlewareVerdict) -> Void) {
        done(.respond(.error(418, "not here")))
    }
}
