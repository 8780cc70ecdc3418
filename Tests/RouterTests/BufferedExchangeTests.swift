import Testing
import WorkerClient
@testable import Router

/// Decisions on buffered exchanges (a non-streaming `/generate`, or an answer
/// a middleware asked for whole): judged, then delivered or resent.
@Suite struct BufferedExchangeTests {
    @Test func aFinishedGenerationIsJudgedThenDelivered() {
        var script = ExchangeScript()
        #expect(script.forward() == "start A buffered")
        #expect(script.answer(200, "done") == "judge 200")
        #expect(script.judged(aborted: false) == "deliver 200 done")
        #expect(script.delivered() == "send ok")
        #expect(script.machine.isDone)
        #expect(script.machine.attempts == 1)
    }

    @Test func aMiddlewareThatAskedForTheWholeAnswerOfAStreamGetsItBuffered() {
        var script = ExchangeScript()
        #expect(script.forward(wholeAnswer: true, streams: true) == "start A buffered")
        #expect(script.answer(200) == "judge 200")
    }

    @Test func otherPathsAMiddlewareBuffersAreDeliveredUnjudged() {
        var script = ExchangeScript()
        #expect(script.forward("GET", "/get_model_info", wholeAnswer: true) == "start A buffered")
        #expect(script.answer(200, "info") == "deliver 200 info")
    }

    @Test(arguments: [400, 404, 429])
    func aClientErrorIsDeliveredWithoutRetry(status: Int) {
        var script = ExchangeScript()
        _ = script.forward()
        #expect(script.answer(status, "bad") == "deliver \(status) bad")
    }

    @Test func anAbortIsResentToAnotherWorkerAfterTheBackoff() {
        var script = ExchangeScript(backoffMilliseconds: 250)
        _ = script.forward()
        _ = script.answer(200, "aborted")
        #expect(script.judged(aborted: true) == "backoff 250 ms")
        #expect(script.backoffElapsed() == "start B buffered after abort")
        #expect(script.selections == ["none", "A"])
    }

    @Test(arguments: [500, 502, 503])
    func aServerErrorIsResentAfterTheBackoff(status: Int) {
        var script = ExchangeScript()
        _ = script.forward()
        #expect(script.answer(status) == "backoff 1000 ms")
        #expect(script.backoffElapsed() == "start B buffered after worker_error")
    }

    @Test(arguments: [UpstreamErrorCase.timedOut, .transport])
    func aTimeoutOrABrokenConnectionIsResentAfterTheBackoff(error: UpstreamErrorCase) {
        var script = ExchangeScript()
        _ = script.forward()
        #expect(script.failed(error.value) == "backoff 1000 ms")
        #expect(script.backoffElapsed() == "start B buffered after worker_error")
    }

    @Test func aRefusedConnectionMovesOnAtOnce() {
        var script = ExchangeScript()
        _ = script.forward()
        #expect(script.failed(.connectFailed("refused")) == "start B buffered after connect")
    }

    /// The router out of descriptors or local ports: every worker would fail alike.
    @Test func runningOutOfLocalResourcesShedsAtOnceWithoutTryingAnotherWorker() {
        var script = ExchangeScript()
        _ = script.forward()
        #expect(script.failed(.localResources("EMFILE")) == "shed EMFILE")
        #expect(script.selections == ["none"])
        #expect(script.backoffElapsed() == "none")
    }

    @Test func onceEveryWorkerWasTriedItGoesRoundAgainSkippingThoseThatRefused() {
        var script = ExchangeScript(workers: ["A", "B"])
        _ = script.forward()
        #expect(script.failed(.connectFailed("refused")) == "start B buffered after connect")
        #expect(script.answer(503) == "backoff 1000 ms")
        #expect(script.backoffElapsed() == "start B buffered after worker_error")
        #expect(script.selections == ["none", "A", "A,B", "A"])
    }

    @Test func goingRoundAgainDoesNotPreferTheMiddlewaresWorker() {
        var script = ExchangeScript(workers: ["A", "B"])
        script.preferred = "B"
        #expect(script.forward() == "start B buffered")
        _ = script.answer(500)
        #expect(script.backoffElapsed() == "start A buffered after worker_error")
        _ = script.answer(500)
        #expect(script.backoffElapsed() == "start A buffered after worker_error")
    }

    @Test func whenAttemptsRunOutTheLastAnswerGoesBackRatherThanTheLastRefusal() {
        var script = ExchangeScript(maxAttempts: 3)
        _ = script.forward()
        _ = script.answer(200, "aborted by A")
        _ = script.judged(aborted: true)
        #expect(script.backoffElapsed() == "start B buffered after abort")
        #expect(script.failed(.connectFailed("refused")) == "start C buffered after connect")
        #expect(script.failed(.connectFailed("refused")) == "deliver 200 aborted by A")
        #expect(script.machine.attempts == 3)
    }

    @Test func whenAttemptsRunOutTheLastOfSeveralAnswersGoesBack() {
        var script = ExchangeScript(maxAttempts: 2)
        _ = script.forward()
        _ = script.answer(500, "first")
        _ = script.backoffElapsed()
        #expect(script.answer(503, "second") == "deliver 503 second")
    }

    @Test func whenAttemptsRunOutWithoutAnyAnswerTheLastFailureAnswers() {
        var script = ExchangeScript(maxAttempts: 2)
        _ = script.forward()
        _ = script.failed(.connectFailed("refused"))
        #expect(script.failed(.timedOut("no answer in 30 s")) == "fail 504 no answer in 30 s")
    }

    @Test func whenNoWorkerIsLeftTheLastFailureAnswers() {
        var script = ExchangeScript(workers: ["A"])
        _ = script.forward()
        #expect(script.failed(.connectFailed("refused")) == "fail 502 no worker accepted the connection: refused")
        #expect(script.selections == ["none", "A", "A"])
    }

    @Test func whenNoWorkerIsLeftAfterAnAnswerThatAnswerGoesBack() {
        var script = ExchangeScript(workers: ["A", "B"])
        _ = script.forward()
        _ = script.answer(502, "bad gateway at A")
        #expect(script.backoffElapsed() == "start B buffered after worker_error")
        #expect(script.failed(.connectFailed("refused")) == "start A buffered after connect")
        #expect(script.failed(.connectFailed("refused")) == "deliver 502 bad gateway at A")
    }

    @Test func aBrokenAttemptThatRunsOutGivesItsMessage() {
        var script = ExchangeScript(maxAttempts: 1)
        _ = script.forward()
        #expect(script.failed(.transport("connection reset")) == "fail 502 connection reset")
    }

    @Test func anAbortWithNothingToResendItToIsDelivered() {
        var script = ExchangeScript(maxAttempts: 1)
        _ = script.forward()
        _ = script.answer(200, "aborted")
        #expect(script.judged(aborted: true) == "deliver 200 aborted")
    }
}

/// The worker client's failures, as test arguments.
enum UpstreamErrorCase: CaseIterable, Sendable {
    case connectFailed, timedOut, transport

    var value: UpstreamError {
        switch self {
        case .connectFailed: .connectFailed("refused")
        case .timedOut: .timedOut("timed out")
        case .transport: .transport("connection reset")
        }
    }
}
