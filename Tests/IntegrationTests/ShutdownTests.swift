import Foundation
import Testing
import TestSupport

/// SIGTERM/SIGINT: stop accepting, let in-flight requests finish within the
/// grace period, then exit 0.
@Suite struct ShutdownTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func anInFlightRequestCompletesAfterTheSignal(signal: Int32) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock], ["--shutdown-grace-period", "60"])
        // 40 tokens at 100 ms: 4 s at the worker, answered long after the signal.
        try mock.configure(["latency_per_token_ms": 100])
        let idle = try RawHTTPConnection(port: router.port)
        let inFlight = try router.startGenerate(rid: "finishing", maxNewTokens: 40)
        #expect(eventually(timeout: 30) { (try? mock.running()) == 1 })

        router.process.send(signal: signal)
        // New connections are refused while the request is still running…
        #expect(eventually(timeout: 30) { (try? RawHTTPConnection(port: router.port)) == nil })
        #expect(try mock.running() == 1)
        #expect(router.process.waitForExit(timeout: 0) == nil)
        // …an idle keep-alive connection is closed…
        #expect(idle.isClosedByPeer(timeout: 30))

        // …and the request in flight gets its whole answer.
        let response = try inFlight.readResponse(timeout: 60)
        #expect(response.status == 200)
        let meta = try jsonObject(response)["meta_info"] as? [String: Any]
        #expect(meta?["id"] as? String == "finishing")
        #expect(meta?["completion_tokens"] as? Int == 40)
        #expect(router.process.waitForExit(timeout: 60) == 0)
    }

    @Test func aStreamInFlightCompletesAfterTheSignal() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock], ["--shutdown-grace-period", "60"])
        try mock.configure(["latency_per_token_ms": 100])
        let stream = try router.startGenerate(rid: "s", maxNewTokens: 30, stream: true)
        #expect(try stream.readResponseHead(timeout: 60).status == 200)
        router.process.send(signal: SIGTERM)
        var text = ""
        while let chunk = try stream.readChunk(timeout: 60) { text += String(decoding: chunk, as: UTF8.self) }
        #expect(StreamingTests.events(text).count == 31)
        #expect(text.hasSuffix("data: [DONE]\n\n"))
        #expect(router.process.waitForExit(timeout: 60) == 0)
    }

    @Test func aStuckRequestIsCutOffWhenTheGracePeriodEnds() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock], ["--shutdown-grace-period", "0.5"])
        // 10,000 tokens at 100 ms: never done within the half second.
        try mock.configure(["latency_per_token_ms": 100])
        let stuck = try router.startGenerate(rid: "stuck", maxNewTokens: 10_000)
        #expect(eventually(timeout: 30) { (try? mock.running()) == 1 })

        router.process.send(signal: SIGTERM)
        #expect(router.process.waitForExit(timeout: 60) == 0)
        // The client sees its connection closed without an answer.
        #expect(try stuck.readUntilClosed(timeout: 30).isEmpty)
        // The worker learns the request is gone.
        #expect(eventually(timeout: 30) { (try? mock.running()) == 0 })
    }

    /// Supervisors may stop a router as soon as it reports it is listening:
    /// the signal must already be handled then (exit 0, not death by
    /// SIGTERM with status 143).
    @Test func aSignalRightAfterTheListeningLineStillShutsDownCleanly() throws {
        let router = try RouterProcess(workers: ["http://127.0.0.1:1"])
        router.process.send(signal: SIGTERM)
        #expect(router.process.waitForExit(timeout: 60) == 0)
    }
}
