import Testing
import WorkerClient
@testable import Router

/// Decisions on relayed exchanges (streams, and every path but `/generate`):
/// nginx's `proxy_next_upstream error`, before any of the answer went out.
@Suite struct RelayedExchangeTests {
    @Test func aStreamIsRelayedAndEndsAfterTheMiddlewaresSawItsEnd() {
        var script = ExchangeScript()
        #expect(script.forward(streams: true) == "start A relayed")
        #expect(script.head() == "relay head")
        #expect(script.relayCompleted() == "end stream")
        #expect(script.streamEndSeen() == "finish stream")
        #expect(script.machine.isDone)
    }

    @Test func aServerErrorIsRelayedAsItIs() {
        var script = ExchangeScript()
        _ = script.forward("GET", "/get_model_info")
        #expect(script.head() == "relay head")
        #expect(script.relayCompleted() == "end stream")
    }

    @Test(arguments: ["GET", "POST", "PATCH"])
    func aRefusedConnectionMovesToTheNextWorkerWhateverTheMethod(method: String) {
        var script = ExchangeScript()
        #expect(script.forward(method, "/anything") == "start A relayed")
        #expect(script.failed(.connectFailed("refused")) == "start B relayed after connect")
    }

    @Test(arguments: ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"])
    func aBrokenIdempotentRequestMovesToTheNextWorker(method: String) {
        var script = ExchangeScript()
        _ = script.forward(method, "/anything")
        #expect(script.failed(.transport("connection reset")) == "start B relayed after worker_error")
    }

    @Test func aBrokenStreamedGenerationMovesToTheNextWorker() {
        var script = ExchangeScript()
        _ = script.forward(streams: true)
        #expect(script.failed(.transport("connection reset")) == "start B relayed after worker_error")
    }

    @Test(arguments: ["POST", "PATCH"])
    func aBrokenRequestThatMayNotBeSentTwiceAnswers502(method: String) {
        var script = ExchangeScript()
        _ = script.forward(method, "/mock/echo")
        #expect(script.failed(.transport("connection reset")) == "fail 502 connection reset")
        #expect(script.machine.attempts == 1)
    }

    @Test func aTimeoutAnswers504WithoutRetry() {
        var script = ExchangeScript()
        _ = script.forward("GET", "/slow")
        #expect(script.failed(.timedOut("no answer in 30 s")) == "fail 504 no answer in 30 s")
    }

    @Test(arguments: [UpstreamErrorCase.timedOut, .transport])
    func aFailureAfterTheHeadWentOutCutsTheStreamShort(error: UpstreamErrorCase) {
        var script = ExchangeScript()
        _ = script.forward("GET", "/anything")
        _ = script.head()
        #expect(script.failed(error.value) == "abort stream")
        #expect(script.machine.isDone)
        #expect(script.machine.attempts == 1)
    }

    @Test func aRelayedRequestNeverGoesRoundAgain() {
        var script = ExchangeScript(workers: ["A", "B"])
        _ = script.forward("GET", "/anything")
        _ = script.failed(.transport("reset"))
        #expect(script.failed(.transport("reset again")) == "fail 502 reset again")
        #expect(script.selections == ["none", "A", "A,B"])
    }

    @Test func everyWorkerRefusingAnswers502() {
        var script = ExchangeScript(workers: ["A", "B"])
        _ = script.forward("GET", "/anything")
        _ = script.failed(.connectFailed("refused"))
        #expect(script.failed(.connectFailed("refused")) == "fail 502 no worker accepted the connection: refused")
    }

    @Test func theAttemptsLimitHoldsForRelayedRequests() {
        var script = ExchangeScript(maxAttempts: 2)
        _ = script.forward("GET", "/anything")
        _ = script.failed(.connectFailed("refused"))
        #expect(script.failed(.connectFailed("refused")) == "fail 502 no worker accepted the connection: refused")
        #expect(script.machine.attempts == 2)
    }

    @Test func aHeadOnABufferedAttemptDecidesNothing() {
        var script = ExchangeScript()
        _ = script.forward()
        #expect(script.head() == "none")
        #expect(script.answer(200) == "judge 200")
    }

    @Test func runningOutOfLocalResourcesShedsARelayedRequestToo() {
        var script = ExchangeScript()
        _ = script.forward("GET", "/get_model_info")
        #expect(script.failed(.localResources("ENOBUFS")) == "shed ENOBUFS")
        #expect(script.selections == ["none"])
    }
}
