import HTTPServer
import Testing
@testable import Router

/// What counts against a worker (its error count, its health) and what does
/// not: a client's mistake (4xx) and the router's own lack of descriptors,
/// local ports or buffers are not the worker's failures.
@Suite struct WorkerBlameTests {
    private let generate = #"{"text":"Hi","sampling_params":{"max_new_tokens":2}}"#

    @Test func runningOutOfLocalResourcesShedsTheRequestAndBlamesNoWorker() {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate", body: generate)
        router.upstream.last.fail(.localResources("127.0.0.1:30000: EMFILE: too many open files"))
        #expect(answer.status == 503)
        #expect(answer.headers["retry-after"] == "1")
        #expect(answer.text.contains("out of local resources"))
        // Shed at once: another worker would fail alike.
        #expect(router.upstream.calls.count == 1)
        let worker = router.pool.worker(url: "http://a")
        #expect(worker?.consecutiveFailures == 0)
        #expect(worker?.errors == 0)
        #expect(worker?.isHealthy == true)
        #expect(router.metrics.shed.total == 1)
        #expect(router.metrics.upstreamErrors.total == 0)
        #expect(router.inFlight("http://a") == 0)
    }

    @Test func aRelayedRequestIsShedAlike() {
        let router = InProcessRouter()
        let answer = router.send("GET", "/get_model_info")
        router.upstream.last.fail(.localResources("EADDRNOTAVAIL: address not available"))
        #expect(answer.status == 503)
        #expect(answer.headers["retry-after"] == "1")
        #expect(router.pool.worker(url: "http://a")?.errors == 0)
    }

    @Test(arguments: [400, 404, 422, 429])
    func aClientErrorIsDeliveredAndNotCountedAgainstTheWorker(status: Int) {
        let router = InProcessRouter()
        let answer = router.send("POST", "/generate", body: generate)
        router.upstream.last.answer(status, #"{"error":"bad request"}"#)
        #expect(answer.status == status)
        #expect(router.upstream.calls.count == 1)
        let worker = router.pool.worker(url: "http://a")
        #expect(worker?.errors == 0)
        #expect(worker?.consecutiveFailures == 0)
        #expect(router.metrics.retries.total == 0)
    }

    @Test func aRelayedClientErrorIsNotCountedEither() {
        let router = InProcessRouter()
        let answer = router.send("GET", "/get_model_info")
        router.upstream.last.answer(404, "{}")
        #expect(answer.status == 404)
        #expect(router.pool.worker(url: "http://a")?.errors == 0)
    }

    /// The contrast: a 5xx is the worker's failure.
    @Test func aServerErrorIsCountedAgainstTheWorker() {
        let router = InProcessRouter(maxAttempts: 1)
        let answer = router.send("POST", "/generate", body: generate)
        router.upstream.last.answer(500, "boom")
        #expect(answer.status == 500)
        #expect(router.pool.worker(url: "http://a")?.errors == 1)
    }
}
