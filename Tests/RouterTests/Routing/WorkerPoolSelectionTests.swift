import Testing
@testable import Router

/// The pool hands its policy the workers a request may still use.
@Suite struct WorkerPoolSelectionTests {
    private func pool(_ urls: [String], policy: RecordingPolicy = RecordingPolicy()) -> (WorkerPool, RecordingPolicy) {
        let pool = WorkerPool(policy: policy)
        for url in urls { pool.add(url: url) }
        return (pool, policy)
    }

    private let urls = ["http://a:1", "http://b:1", "http://c:1"]

    @Test func everyAvailableWorkerIsACandidateAndThePreferenceIsPassedOn() throws {
        let (pool, policy) = pool(urls)
        let preferred = try #require(pool.worker(url: "http://b:1"))
        #expect(pool.select(preferring: preferred)?.url == "http://c:1")
        #expect(policy.calls.count == 1)
        #expect(policy.calls[0].candidates.map(\.url) == urls)
        #expect(policy.calls[0].preferred === preferred)
    }

    @Test func triedUnhealthyAndRemovedWorkersAreNotCandidates() throws {
        let (pool, policy) = pool(urls + ["http://d:1"])
        let tried = try #require(pool.worker(url: "http://a:1"))
        try #require(pool.worker(url: "http://c:1")).isHealthy = false
        pool.remove(url: "http://d:1")
        #expect(pool.select(excluding: [ObjectIdentifier(tried)])?.url == "http://b:1")
        #expect(policy.calls[0].candidates.map(\.url) == ["http://b:1"])
    }

    @Test func noCandidateLeftMeansNoWorkerAndNoQuestionToThePolicy() throws {
        let (empty, emptyPolicy) = pool([])
        #expect(empty.select() == nil)
        let (pool, policy) = pool(["http://a:1"])
        let only = try #require(pool.worker(url: "http://a:1"))
        #expect(pool.select(excluding: [ObjectIdentifier(only)]) == nil)
        only.isHealthy = false
        #expect(pool.select() == nil)
        #expect(emptyPolicy.calls.isEmpty && policy.calls.isEmpty)
    }

    @Test func aRoundRobinPoolTakesAWorkerAddedLaterIntoTheTurn() {
        let pool = WorkerPool(policy: RoundRobinPolicy())
        pool.add(url: "http://a:1")
        #expect(pool.select()?.url == "http://a:1")
        pool.add(url: "http://b:1")
        #expect((0..<4).map { _ in pool.select()?.url } == ["http://b:1", "http://a:1", "http://b:1", "http://a:1"])
    }
}
