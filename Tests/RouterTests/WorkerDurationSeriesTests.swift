import Testing
@testable import Router

/// `slime_router_worker_request_duration_seconds` has a series for each
/// registered worker that answered, and none for a worker removed through
/// the workers API, however its removal and its last answers fall between
/// two scrapes.
@Suite struct WorkerDurationSeriesTests {
    private let metrics = RouterMetrics()
    private let pool = WorkerPool(policy: RoundRobinPolicy())

    private func scrape() -> String {
        String(decoding: metrics.prometheusText(pool: pool, openConnections: 0, rejected: [:]), as: UTF8.self)
    }

    private func answered(_ worker: Worker) {
        metrics.recordProxied(outcome: "ok", route: "generate", worker: worker, seconds: 0.01)
    }

    private func hasSeries(_ text: String, _ url: String) -> Bool {
        text.contains("slime_router_worker_request_duration_seconds_count{worker=\"\(url)\"}")
    }

    @Test func aWorkerAddedAndRemovedBetweenScrapesLeavesNoSeries() {
        let kept = pool.add(url: "http://127.0.0.1:9001")
        let removed = pool.add(url: "http://127.0.0.1:9002")
        answered(kept)
        answered(removed)
        pool.remove(url: removed.url)
        let text = scrape()
        #expect(hasSeries(text, kept.url))
        #expect(!hasSeries(text, removed.url))
    }

    @Test func anAnswerFromAWorkerAlreadyRemovedLeavesNoSeries() {
        let worker = pool.add(url: "http://127.0.0.1:9003")
        pool.requestStarted(at: worker)
        _ = scrape()
        pool.remove(url: worker.url)
        _ = scrape()
        // Its request in flight ends after the scrape that saw it gone.
        answered(worker)
        pool.requestEnded(at: worker)
        #expect(!hasSeries(scrape(), worker.url))
    }

    /// A worker that restarts registers again under its URL while its old
    /// registration's requests still finish: they count in the URL's series.
    @Test func aWorkerAddedAgainCountsTheLastAnswersOfItsOldSelf() {
        let old = pool.add(url: "http://127.0.0.1:9004")
        answered(old)
        pool.requestStarted(at: old)
        _ = scrape()
        pool.remove(url: old.url)
        _ = scrape()
        let again = pool.add(url: old.url)
        answered(again)
        answered(old)
        pool.requestEnded(at: old)
        #expect(scrape().contains("slime_router_worker_request_duration_seconds_count{worker=\"\(old.url)\"} 2\n"))
    }
}
