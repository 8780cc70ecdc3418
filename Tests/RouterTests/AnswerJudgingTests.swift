import Testing
@testable import Router

/// A 2xx `/generate` answer is judged (an abort? which weight version?) on
/// the loop up to `JSONWork.inlineLimit` bytes, on the thread pool above
/// it, with the same verdict either way.
@Suite struct AnswerJudgingTests {
    /// An aborted answer of exactly `bytes` bytes, naming weight version v7.
    private static func abortedAnswer(bytes: Int) -> String {
        let tail = #"","meta_info":{"finish_reason":{"type":"abort"},"weight_version":"v7"}}"#
        let head = #"{"text":""#
        return head + String(repeating: "a", count: bytes - head.utf8.count - tail.utf8.count) + tail
    }

    @Test(arguments: [JSONWork.inlineLimit, JSONWork.inlineLimit + 1])
    func anAbortedAnswerIsJudgedAlikeOnAndOffTheLoop(bytes: Int) {
        let router = InProcessRouter(maxAttempts: 2)
        let answer = router.send("POST", "/generate", body: #"{"text":"Hi"}"#)
        let aborted = Self.abortedAnswer(bytes: bytes)
        #expect(aborted.utf8.count == bytes)
        router.upstream.last.answer(200, aborted)
        // Judged at once on the loop up to the limit; above it, only once
        // the thread pool has read it.
        #expect(router.metrics.aborts.total == (bytes <= JSONWork.inlineLimit ? 1 : 0))
        router.runUntilCalls(2)
        #expect(router.metrics.aborts.total == 1)
        #expect(router.pool.worker(url: "http://a")?.weightVersion == "v7")
        #expect(router.upstream.last.request.url == "http://b/generate")
        router.upstream.last.answer(200, aborted)
        router.runUntil { answer.status != nil }
        #expect(answer.status == 200)
        #expect(answer.text == aborted)
        #expect(router.metrics.aborts.total == 2)
        #expect(router.metrics.retries.total == 1)
    }
}
