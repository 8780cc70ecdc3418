import Foundation
import Testing
import TestSupport

/// A worker's event stream is relayed as it is produced, and a client that
/// goes away cancels the worker's transfer.
@Suite struct StreamingTests {
    /// Splits SSE text into the payloads of its `data:` events.
    static func events(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
            event.hasPrefix("data: ") ? String(event.dropFirst(6)) : "<not a data event: \(event)>"
        }
    }

    @Test(arguments: WorkerClientKind.allCases)
    func streamArrivesChunkByChunk(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        // Events 300 ms apart: each is sent on its own well before the next.
        try mock.configure(["latency_per_token_ms": 300])
        let connection = try router.startGenerate(rid: "s", maxNewTokens: 4, stream: true)
        let head = try connection.readResponseHead(timeout: 60)
        #expect(head.status == 200)
        #expect(head.header("Content-Type") == "text/event-stream")
        #expect(head.header("Cache-Control") == "no-cache")
        #expect(head.header("Transfer-Encoding")?.lowercased() == "chunked")
        #expect(head.header("Content-Length") == nil)

        // The first chunk read holds the first event and nothing more: the
        // router relayed it before the worker produced the second.
        let first = try #require(try connection.readChunk(timeout: 60))
        let firstEvents = Self.events(String(decoding: first, as: UTF8.self))
        #expect(firstEvents.count == 1, "first chunk: \(String(decoding: first, as: UTF8.self))")
        #expect(String(decoding: first, as: UTF8.self).hasSuffix("\n\n"))

        var rest: [UInt8] = []
        while let chunk = try connection.readChunk(timeout: 60) { rest += chunk }
        let events = firstEvents + Self.events(String(decoding: rest, as: UTF8.self))
        #expect(events.last == "[DONE]")
        let payloads = try events.dropLast().map { event -> [String: Any] in
            guard let object = try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any] else {
                throw FixtureError("event is not a JSON object: \(event)")
            }
            return object
        }
        #expect(payloads.count == 4)
        // Cumulative: each event carries everything so far.
        let ids = payloads.map { $0["output_ids"] as? [Int] ?? [] }
        #expect(ids.map(\.count) == [1, 2, 3, 4])
        for index in 1..<ids.count { #expect(Array(ids[index].prefix(index)) == ids[index - 1]) }
        let texts = payloads.map { $0["text"] as? String ?? "<none>" }
        for index in 1..<texts.count { #expect(texts[index].hasPrefix(texts[index - 1])) }
        let finishTypes = payloads.map { (($0["meta_info"] as? [String: Any])?["finish_reason"] as? [String: Any])?["type"] as? String }
        #expect(finishTypes.last == "length")
        #expect(finishTypes.dropLast().allSatisfy { $0 == nil })
        #expect(connection.isClosedByPeer(timeout: 30))
    }

    @Test(arguments: WorkerClientKind.allCases)
    func streamOnAKeepAliveConnectionIsFollowedByTheNextResponse(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let connection = try RawHTTPConnection(port: router.port)
        for index in 0..<3 {
            let body = try JSONSerialization.data(withJSONObject: generateBody(rid: "k\(index)", maxNewTokens: 3, stream: true))
            try connection.send("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n")
            try connection.send(Array(body))
            let response = try connection.readResponse(timeout: 60)
            #expect(response.status == 200)
            #expect(Self.events(response.text).count == 4)
            #expect(Self.events(response.text).last == "[DONE]")
        }
        #expect(try mock.rids() == ["k0", "k1", "k2"])
    }

    @Test(arguments: WorkerClientKind.allCases)
    func closingAStreamingClientCancelsTheWorkerTransfer(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        // 10,000 tokens at 100 ms: the stream would run for over 16 minutes.
        try mock.configure(["latency_per_token_ms": 100])
        let connection = try router.startGenerate(rid: "long", maxNewTokens: 10_000, stream: true)
        #expect(try connection.readResponseHead(timeout: 60).status == 200)
        #expect(try connection.readChunk(timeout: 60) != nil)
        #expect(try mock.running() == 1)
        #expect(try router.metrics().totalInFlight == 1)

        connection.close()
        #expect(eventually(timeout: 30) { (try? mock.running()) == 0 })
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 0 })
        // The router goes on serving through the same worker.
        try mock.configure(["latency_per_token_ms": 0])
        #expect(try router.generate(rid: "after").status == 200)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func closingAWaitingClientCancelsTheWorkerTransfer(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        try mock.configure(["latency_per_token_ms": 100])
        // Not streamed: the worker answers only at the end, 1000 s from now.
        let connection = try router.startGenerate(rid: "long", maxNewTokens: 10_000)
        #expect(eventually(timeout: 30) { (try? mock.running()) == 1 })
        connection.close()
        #expect(eventually(timeout: 30) { (try? mock.running()) == 0 })
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 0 })
    }

    @Test(arguments: WorkerClientKind.allCases)
    func manyConcurrentStreamsAreRelayedIndependently(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        try mock.configure(["latency_per_token_ms": 10])
        let port = router.port
        let results = onThreads(16) { index -> [String] in
            let body = try JSONSerialization.data(
                withJSONObject: generateBody(
                    rid: "c\(index)", maxNewTokens: 20, text: "prompt number \(index)", stream: true))
            let response = try httpRequest(
                "POST", port: port, path: "/generate",
                headers: [("Content-Type", "application/json")], body: Array(body), timeout: 120)
            guard response.status == 200 else { throw FixtureError("status \(response.status)") }
            return StreamingTests.events(response.text)
        }
        for (index, result) in results.enumerated() {
            let events = try result.get()
            #expect(events.count == 21, "stream \(index)")
            #expect(events.last == "[DONE]")
            let last = try JSONSerialization.jsonObject(with: Data(events[events.count - 2].utf8)) as? [String: Any]
            #expect((last?["meta_info"] as? [String: Any])?["id"] as? String == "c\(index)")
        }
    }
}
