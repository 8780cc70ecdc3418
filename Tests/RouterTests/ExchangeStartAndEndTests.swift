import Testing
@testable import Router

/// How an exchange starts (buffered or relayed, which worker) and how it
/// ends when there is no worker, a middleware answers, or the client leaves.
@Suite struct ExchangeStartAndEndTests {
    @Test func aGenerationWhoseStreamFlagIsUnknownIsReadFirst() {
        var buffered = ExchangeScript(), relayed = ExchangeScript()
        #expect(buffered.forward(streams: nil) == "read stream flag")
        #expect(buffered.streamFlagRead(false) == "start A buffered")
        #expect(relayed.forward(streams: nil) == "read stream flag")
        #expect(relayed.streamFlagRead(true) == "start A relayed")
    }

    @Test func otherRequestsAreRelayedWithoutReadingTheirBody() {
        var script = ExchangeScript()
        #expect(script.forward("POST", "/generate_other", streams: nil) == "start A relayed")
        var get = ExchangeScript()
        #expect(get.forward("GET", "/generate", streams: nil) == "start A relayed")
    }

    @Test func theMiddlewaresPreferredWorkerIsAskedFor() {
        var script = ExchangeScript()
        script.preferred = "C"
        #expect(script.forward() == "start C buffered")
    }

    @Test func noWorkerAnswers503() {
        var script = ExchangeScript(workers: [])
        #expect(script.forward() == "fail 503 no healthy worker available")
        #expect(script.machine.isDone)
        #expect(script.machine.attempts == 0)
    }

    @Test func aMiddlewaresOwnAnswerEndsTheExchange() {
        var script = ExchangeScript()
        #expect(script.middlewareAnswered() == "send answered_by_middleware")
        #expect(script.clientGone() == "none")
    }

    @Test func aClientGoneWhileTheChainPreparesIsNotForwarded() {
        var script = ExchangeScript()
        #expect(script.clientGone() == "abandon")
        #expect(script.forward() == "none")
        var answered = ExchangeScript()
        _ = answered.clientGone()
        #expect(answered.middlewareAnswered() == "none")
    }

    @Test func aClientGoneWhileTheStreamFlagIsReadStartsNothing() {
        var script = ExchangeScript()
        _ = script.forward(streams: nil)
        #expect(script.clientGone() == "abandon")
        #expect(script.streamFlagRead(false) == "none")
    }

    @Test func aClientGoneDuringAnAttemptCancelsIt() {
        var script = ExchangeScript()
        _ = script.forward()
        #expect(script.clientGone() == "abandon")
        #expect(script.failed(.cancelled) == "none")
        #expect(script.answer(200) == "none")
    }

    @Test func aClientGoneDuringARelayedStreamEndsItForTheMiddlewares() {
        var script = ExchangeScript()
        _ = script.forward(streams: true)
        _ = script.head()
        #expect(script.clientGone() == "abandon stream")
        #expect(script.relayCompleted() == "none")
    }

    @Test func aClientGoneDuringTheBackoffSendsNothingMore() {
        var script = ExchangeScript()
        _ = script.forward()
        _ = script.answer(500)
        #expect(script.clientGone() == "abandon")
        #expect(script.backoffElapsed() == "none")
        #expect(script.machine.attempts == 1)
    }

    @Test func aClientGoneWhileTheAnswerIsJudgedOrDeliveredGetsNothing() {
        var judged = ExchangeScript()
        _ = judged.forward()
        _ = judged.answer(200)
        #expect(judged.clientGone() == "abandon")
        #expect(judged.judged(aborted: false) == "none")
        var delivered = ExchangeScript()
        _ = delivered.forward()
        _ = delivered.answer(200)
        _ = delivered.judged(aborted: false)
        #expect(delivered.clientGone() == "abandon")
        #expect(delivered.delivered() == "none")
    }

    @Test func aClientGoneWhileTheMiddlewaresSeeAStreamsEndDoesNotEndItTwice() {
        var script = ExchangeScript()
        _ = script.forward(streams: true)
        _ = script.head()
        _ = script.relayCompleted()
        #expect(script.clientGone() == "abandon")
        #expect(script.streamEndSeen() == "none")
    }

    @Test func eventsAfterTheEndAreIgnored() {
        var script = ExchangeScript()
        _ = script.forward()
        _ = script.answer(200)
        _ = script.judged(aborted: false)
        _ = script.delivered()
        #expect(script.clientGone() == "none")
        #expect(script.backoffElapsed() == "none")
        #expect(script.failed(.transport("late")) == "none")
        #expect(script.delivered() == "none")
    }
}
