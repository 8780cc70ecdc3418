import HTTPServer
import Testing
@testable import Router

/// Waiting instead of failing, as the state machine decides it.
@Suite struct WaitingDecisionTests {
    @Test func withoutAQueueNoWorkerAnswers503AtOnce() {
        var script = ExchangeScript(workers: [])
        #expect(script.forward() == "fail 503 no healthy worker available")
    }

    @Test func withAQueueTheRequestWaitsThenStartsAtTheWorkerItIsGiven() {
        var script = ExchangeScript(workers: ["A"], waitsForWorkers: true)
        script.unavailable = ["A"]
        #expect(script.forward() == "wait")
        #expect(script.waitEnded(at: "A") == "start A buffered")
        #expect(script.waitTimedOut() == "none")
    }

    @Test func aRequestThatWaitedTooLongIsShedWith503() {
        var script = ExchangeScript(workers: ["A"], waitsForWorkers: true)
        script.unavailable = ["A"]
        #expect(script.forward() == "wait")
        #expect(script.waitTimedOut() == "shed 503 queue_timeout")
        #expect(script.waitEnded(at: "A") == "none")
    }

    @Test func aClientThatLeavesWhileWaitingIsAbandoned() {
        var script = ExchangeScript(workers: [], waitsForWorkers: true)
        _ = script.forward()
        #expect(script.clientGone() == "abandon")
    }

    @Test func aFullQueueAnswers429() {
        var script = ExchangeScript(workers: [], waitsForWorkers: true)
        _ = script.forward()
        #expect(script.queueFull() == "shed 429 queue_full")
    }

    /// Every worker refused the connection (restarting): nothing reached
    /// one, so the request waits for a worker rather than failing.
    @Test func aRequestEveryWorkerRefusedWaits() {
        var script = ExchangeScript(workers: ["A"], waitsForWorkers: true)
        _ = script.forward("GET", "/get_model_info")
        #expect(script.failed(.connectFailed("refused")) == "wait")
        #expect(script.waitEnded(at: "A") == "start A relayed after connect")
    }

    /// A request that is not sent twice answers as before: it does not wait.
    @Test func aRequestThatIsNotResentDoesNotWait() {
        var script = ExchangeScript(workers: ["A"], waitsForWorkers: true)
        _ = script.forward("GET", "/get_model_info")
        #expect(script.failed(.timedOut("slow")) == "fail 504 slow")
    }

    /// A generation whose worker was killed under it (the connection reset)
    /// goes to another worker; when none is left (every other one down or
    /// its circuit open), it waits for one rather than failing.
    @Test func aGenerationWhoseWorkerDiedWaitsWhenNoOtherIsLeft() {
        var script = ExchangeScript(workers: ["A", "B"], waitsForWorkers: true)
        #expect(script.forward() == "start A buffered")
        #expect(script.failed(.transport("ECONNRESET")) == "backoff 1000 ms")
        script.unavailable = ["A", "B"]
        #expect(script.backoffElapsed() == "wait")
        #expect(script.waitEnded(at: "B") == "start B buffered after worker_error")
    }

    /// A worker's own error answer goes back to the client once no other
    /// worker can take the request: nothing to wait for.
    @Test func aWorkersErrorAnswerIsGivenBackRatherThanWaitedOut() {
        var script = ExchangeScript(workers: ["A"], waitsForWorkers: true)
        #expect(script.forward() == "start A buffered")
        #expect(script.answer(500, "boom") == "backoff 1000 ms")
        script.unavailable = ["A"]
        #expect(script.backoffElapsed().hasPrefix("deliver 500"))
    }
}

/// Waiting through the real driver and `WaitingRoom`, in process.
@Suite struct WaitingRoomTests {
    private let generate = #"{"text":"Hi","sampling_params":{"max_new_tokens":2}}"#

    private func queue(size: Int = 10, maxConcurrent: Int? = nil, timeout: UInt64 = 60_000) -> QueueConfiguration {
        var queue = QueueConfiguration()
        queue.queueSize = size
        queue.maxConcurrentRequests = maxConcurrent
        queue.timeoutMilliseconds = timeout
        return queue
    }

    @Test func requestsWaitWhileNoWorkerIsAvailableThenGoInOrder() {
        let router = InProcessRouter(workers: ["http://a"], queue: queue())
        router.pool.remove(url: "http://a")
        let first = router.send("POST", "/generate", body: #"{"text":"1"}"#)
        let second = router.send("POST", "/generate", body: #"{"text":"2"}"#)
        #expect(router.upstream.calls.isEmpty)
        #expect(first.status == nil && second.status == nil)

        router.pool.add(url: "http://a")
        router.runUntil { router.upstream.calls.count == 2 }
        #expect(router.upstream.calls.map { String(decoding: $0.request.body, as: UTF8.self) } == [#"{"text":"1"}"#, #"{"text":"2"}"#])
        router.upstream.calls[0].answer(200, "{}")
        router.upstream.calls[1].answer(200, "{}")
        #expect(first.status == 200 && second.status == 200)
    }

    @Test func atTheConcurrencyLimitTheNextRequestGoesWhenOneEnds() {
        let router = InProcessRouter(queue: queue(maxConcurrent: 1))
        router.send("POST", "/generate", body: generate)
        let waiting = router.send("POST", "/generate", body: generate)
        #expect(router.upstream.calls.count == 1)
        router.upstream.last.answer(200, "{}")
        #expect(router.upstream.calls.count == 2)
        router.upstream.last.answer(200, "{}")
        #expect(waiting.status == 200)
    }

    @Test func aFullQueueAnswers429WithRetryAfter() {
        let router = InProcessRouter(queue: queue(size: 1, maxConcurrent: 1))
        router.send("POST", "/generate", body: generate)
        router.send("POST", "/generate", body: generate)
        let refused = router.send("POST", "/generate", body: generate)
        #expect(refused.status == 429)
        #expect(refused.headers["retry-after"] == "1")
        #expect(router.metrics.shed.total == 1)
    }

    @Test func atTheConcurrencyLimitWithoutAQueueTheNextRequestGets429() {
        let router = InProcessRouter(queue: queue(size: 0, maxConcurrent: 1))
        router.send("POST", "/generate", body: generate)
        let refused = router.send("POST", "/generate", body: generate)
        #expect(refused.status == 429)
        #expect(router.upstream.calls.count == 1)
    }

    @Test func aRequestThatWaitedTooLongAnswers503WithRetryAfter() {
        let router = InProcessRouter(workers: [], queue: queue(timeout: 1))
        let answer = router.send("POST", "/generate", body: generate)
        #expect(answer.status == nil)
        router.runUntil { answer.status != nil }
        #expect(answer.status == 503)
        #expect(answer.headers["retry-after"] == "1")
        #expect(answer.text.contains("no worker could take the request in time"))
    }

    @Test func aClientThatLeavesWhileWaitingLeavesTheQueue() {
        let router = InProcessRouter(workers: ["http://a"], queue: queue(size: 1))
        router.pool.remove(url: "http://a")
        let gone = router.send("POST", "/generate", body: generate)
        gone.leave()
        // Its place is free again, and nothing is sent for it once a worker is back.
        let next = router.send("POST", "/generate", body: generate)
        #expect(next.status == nil)
        router.pool.add(url: "http://a")
        router.runUntil { next.status != nil || !router.upstream.calls.isEmpty }
        router.upstream.last.answer(200, "{}")
        #expect(next.status == 200)
        #expect(router.upstream.calls.count == 1)
    }
}
