import Foundation
import Testing
import TestSupport

/// `POST /remove_worker` while requests are running: those already at the
/// removed worker finish normally, new ones go to the others.
@Suite struct WorkerRemovalTests {
    /// `count` concurrent `/generate` requests with rids `prefix0…`; each
    /// result is the request's status once its answer named its own rid.
    static func wave(_ port: Int, prefix: String, count: Int) -> [Result<Int, any Error>] {
        onThreads(count) { index -> Int in
            let rid = "\(prefix)\(index)"
            let body = try JSONSerialization.data(withJSONObject: generateBody(rid: rid, maxNewTokens: 30))
            let response = try httpRequest(
                "POST", port: port, path: "/generate",
                headers: [("Content-Type", "application/json")], body: Array(body), timeout: 120)
            guard response.status == 200,
                let object = try response.json() as? [String: Any],
                (object["meta_info"] as? [String: Any])?["id"] as? String == rid
            else {
                throw FixtureError("\(rid): \(response.status) \(response.text.prefix(300))")
            }
            return response.status
        }
    }

    @Test(arguments: WorkerClientKind.allCases)
    func removingAWorkerUnderLoadLosesNoRequest(client: WorkerClientKind) throws {
        let kept = try MockWorkerProcess(), removed = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [kept, removed])
        // 30 tokens at 50 ms: each request runs for 1.5 s at its worker.
        try kept.configure(["latency_per_token_ms": 50])
        try removed.configure(["latency_per_token_ms": 50])
        let port = router.port

        // First wave: spread over both workers.
        let first = Locked<[Result<Int, any Error>]>([])
        let firstDone = DispatchSemaphore(value: 0)
        Thread {
            first.value = Self.wave(port, prefix: "first", count: 16)
            firstDone.signal()
        }.start()

        // Once both are busy, take one away while its requests run.
        #expect(eventually(timeout: 60) { ((try? kept.running()) ?? 0) > 0 && ((try? removed.running()) ?? 0) > 0 })
        let removal = try router.request("POST", "/remove_worker?url=\(removed.url)")
        #expect(removal.status == 200)
        #expect(try router.workerURLs() == [kept.url])
        // The removed worker leaves worker_loads at once.
        #expect(try router.metrics().workerLoads.keys.sorted() == [kept.url])

        // Second wave, while the first may still be running: all to the kept worker.
        let second = Self.wave(port, prefix: "second", count: 16)
        firstDone.wait()
        for result in first.value + second {
            #expect(throws: Never.self) { try result.get() }
        }

        let atRemoved = try removed.rids()
        #expect(!atRemoved.isEmpty)
        #expect(atRemoved.allSatisfy { $0.hasPrefix("first") }, "\(atRemoved)")
        let atKept = try kept.rids()
        #expect(atKept.count + atRemoved.count == 32)
        #expect(atKept.filter { $0.hasPrefix("second") }.count == 16)
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 0 })
        #expect(try router.metrics().workerLoads == [kept.url: 0])

        // Later requests too.
        try kept.configure(["latency_per_token_ms": 0])
        for index in 0..<4 { #expect(try router.generate(rid: "later\(index)").status == 200) }
        #expect(try removed.rids() == atRemoved)
        #expect(try kept.rids().suffix(4) == (0..<4).map { "later\($0)" })
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aStreamToARemovedWorkerRunsToItsEnd(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock], ["--queue-size", "0"])
        try mock.configure(["latency_per_token_ms": 100])
        let connection = try router.startGenerate(rid: "s", maxNewTokens: 10, stream: true)
        #expect(try connection.readResponseHead(timeout: 60).status == 200)
        #expect(try router.request("POST", "/remove_worker?url=\(mock.url)").status == 200)
        #expect(try router.workerURLs() == [])
        // The stream still runs at the removed worker, and counts as in flight.
        let whileStreaming = try router.metrics()
        #expect(whileStreaming.totalInFlight == 1 && whileStreaming.workerLoads.isEmpty)
        var text = ""
        while let chunk = try connection.readChunk(timeout: 60) { text += String(decoding: chunk, as: UTF8.self) }
        #expect(text.hasSuffix("data: [DONE]\n\n"))
        #expect(StreamingTests.events(text).count == 11)
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 0 })
        // Nothing left to route to.
        #expect(try router.generate(rid: "none").status == 503)
    }
}
