import HTTPServer
import Testing
@testable import Router

/// `/abort_request` reaches the worker running the rid (every worker when
/// the rid is unknown, or for `abort_all`), and a client that leaves
/// mid-generation has its rid aborted at the worker.
@Suite struct AbortForwardingTests {
    private func abort(_ router: InProcessRouter, _ body: String) -> HTTPResponse? {
        var answer: HTTPResponse?
        router.aborts.respond(HTTPRequest(method: "POST", target: "/abort_request", body: Array(body.utf8))) { answer = $0 }
        return answer
    }

    private func abortCalls(_ router: InProcessRouter) -> [String] {
        router.upstream.calls.filter { $0.request.url.hasSuffix("/abort_request") }
            .map { "\($0.request.url) \(String(decoding: $0.request.body, as: UTF8.self))" }
    }

    @Test func aKnownRidIsAbortedAtTheWorkerRunningIt() {
        let router = InProcessRouter()
        router.send("POST", "/generate", body: #"{"text":"Hi","rid":"r1"}"#)
        #expect(router.upstream.last.request.url == "http://a/generate")
        var answer: HTTPResponse?
        router.aborts.respond(HTTPRequest(method: "POST", target: "/abort_request", body: Array(#"{"rid":"r1"}"#.utf8))) {
            answer = $0
        }
        #expect(abortCalls(router) == [#"http://a/abort_request {"rid":"r1"}"#])
        router.upstream.last.answer(200, "")
        #expect(answer?.status == 200)
    }

    @Test func anUnknownRidGoesToEveryWorker() {
        let router = InProcessRouter()
        _ = abort(router, #"{"rid":"elsewhere"}"#)
        #expect(abortCalls(router) == [#"http://a/abort_request {"rid":"elsewhere"}"#, #"http://b/abort_request {"rid":"elsewhere"}"#])
    }

    @Test func abortAllGoesToEveryWorker() {
        let router = InProcessRouter()
        _ = abort(router, #"{"abort_all":true}"#)
        #expect(abortCalls(router).count == 2)
    }

    @Test func aRidWhoseGenerationEndedIsNoLongerTracked() {
        let router = InProcessRouter()
        router.send("POST", "/generate", body: #"{"text":"Hi","rid":"r1"}"#)
        router.upstream.last.answer(200, #"{"text":"ok"}"#)
        _ = abort(router, #"{"rid":"r1"}"#)
        #expect(abortCalls(router).count == 2)
    }

    @Test(arguments: ["", "[]", #"{"rid":3}"#, #"{"other":true}"#])
    func aBadBodyIsRefused(body: String) {
        let router = InProcessRouter()
        #expect(abort(router, body)?.status == 400)
        #expect(router.upstream.calls.isEmpty)
    }

    @Test func aClientThatLeavesMidGenerationHasItsRidAbortedAtTheWorker() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate", body: #"{"text":"Hi","rid":"gone","stream":true}"#)
        router.upstream.last.head(200, [("Content-Type", "text/event-stream")])
        router.upstream.last.body("data: {}\n\n")
        answer.leave()
        #expect(router.upstream.calls[0].isCancelled)
        #expect(abortCalls(router) == [#"http://a/abort_request {"rid":"gone"}"#])
    }

    @Test func aClientThatLeavesWhileItsBufferedGenerationRunsHasItAbortedToo() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate", body: #"{"text":"Hi","rid":["x","y"]}"#)
        answer.leave()
        #expect(abortCalls(router) == [#"http://a/abort_request {"rid":"x"}"#, #"http://a/abort_request {"rid":"y"}"#])
    }

    @Test func withoutARidNothingCanBeAborted() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate", body: #"{"text":"Hi"}"#)
        answer.leave()
        #expect(abortCalls(router).isEmpty)
    }
}

/// An abort a client asked for ends the generation: its aborted answer is
/// delivered, not resent to another worker as SGLang's own aborts are.
@Suite struct RequestedAbortTests {
    private let aborted = #"{"text":"","meta_info":{"finish_reason":{"type":"abort"}}}"#

    @Test func anAbortedAnswerTheClientAskedForIsDelivered() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate", body: #"{"text":"Hi","rid":"r1"}"#)
        router.aborts.respond(HTTPRequest(method: "POST", target: "/abort_request", body: Array(#"{"rid":"r1"}"#.utf8))) { _ in }
        router.upstream.calls[0].answer(200, aborted)
        #expect(answer.status == 200)
        #expect(answer.text == aborted)
        #expect(router.metrics.retries.total == 0)
    }

    @Test func anAbortNobodyAskedForIsStillResent() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate", body: #"{"text":"Hi","rid":"r1"}"#)
        router.upstream.last.answer(200, aborted)
        router.runUntilCalls(2)
        #expect(router.upstream.last.request.url == "http://b/generate")
        #expect(answer.status == nil)
    }

    @Test func theStateMachineDeliversARequestedAbort() {
        var script = ExchangeScript()
        _ = script.forward()
        _ = script.answer(200, "aborted")
        #expect(script.judged(aborted: true, askedFor: true) == "deliver 200 aborted")
    }
}
