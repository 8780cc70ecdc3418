import Foundation
import Testing
import TestSupport

/// The fake worker itself, talked to directly: the endpoints and fault
/// knobs other tests rely on behave as docs/sglang-worker-protocol.md says.
@Suite struct MockSGLangTests {
    static func metaInfo(_ answer: [String: Any]) throws -> [String: Any] {
        try #require(answer["meta_info"] as? [String: Any], "no meta_info in \(answer)")
    }

    static func finishType(_ answer: [String: Any]) throws -> String? {
        (try metaInfo(answer)["finish_reason"] as? [String: Any])?["type"] as? String
    }

    /// The JSON payloads of an event stream's `data:` events, `[DONE]` left out.
    static func streamPayloads(_ text: String) throws -> [[String: Any]] {
        let events = StreamingTests.events(text)
        #expect(events.last == "[DONE]", "stream: \(text)")
        return try events.dropLast().map { event in
            try #require(try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any], "event: \(event)")
        }
    }

    func generate(_ mock: MockWorkerProcess, _ body: [String: Any]) throws -> HTTPTestResponse {
        try httpRequest("POST", port: mock.port, path: "/generate", json: body, timeout: 60)
    }

    @Test func modelInfoNamesTheModelAndTokenizer() throws {
        let mock = try MockWorkerProcess()
        let response = try httpRequest("GET", port: mock.port, path: "/get_model_info")
        #expect(response.status == 200)
        let info = try jsonObject(response)
        #expect(info["model_path"] is String)
        #expect(info["tokenizer_path"] is String)
        #expect(info["is_generation"] as? Bool == true)
    }

    @Test func flushCacheSucceeds() throws {
        let mock = try MockWorkerProcess()
        let response = try httpRequest("POST", port: mock.port, path: "/flush_cache")
        #expect(response.status == 200)
        #expect(response.text.hasPrefix("Cache flushed."))
    }

    @Test func logprobsOnlyWhenAskedFor() throws {
        let mock = try MockWorkerProcess()
        let plain = try jsonObject(try generate(mock, generateBody(rid: "plain", maxNewTokens: 5)))
        #expect(try Self.metaInfo(plain)["output_token_logprobs"] == nil)

        var asking = generateBody(rid: "logprobs", maxNewTokens: 5)
        asking["return_logprob"] = true
        let answer = try jsonObject(try generate(mock, asking))
        let ids = try #require(answer["output_ids"] as? [Int])
        let entries = try #require(try Self.metaInfo(answer)["output_token_logprobs"] as? [[Any]])
        #expect(ids.count == 5)
        // One `[logprob, token_id, text_or_null]` per generated token.
        #expect(entries.map { $0[1] as? Int } == ids.map { $0 })
        for entry in entries {
            #expect(entry.count == 3)
            #expect((entry[0] as? Double).map { $0 <= 0 } == true, "logprob: \(entry[0])")
            #expect(entry[2] is NSNull)
        }
    }

    /// A generation that would take 1,000 tokens × 1 s ends only through
    /// `/abort_request`, answered with what it had and finish_reason abort.
    @Test(arguments: [(stream: false, abortAll: false), (stream: true, abortAll: false), (stream: false, abortAll: true)])
    func abortRequestEndsARunningGeneration(stream: Bool, abortAll: Bool) throws {
        let mock = try MockWorkerProcess(["--latency-per-token-ms", "1000"])
        let connection = try RawHTTPConnection(port: mock.port)
        try connection.sendJSON("POST", "/generate", generateBody(rid: "slow", maxNewTokens: 1000, stream: stream), keepAlive: false)
        #expect(eventually(timeout: 30) { (try? mock.running()) == 1 })

        let abort = try httpRequest(
            "POST", port: mock.port, path: "/abort_request",
            json: abortAll ? ["abort_all": true] : ["rid": "slow"])
        #expect(abort.status == 200)
        let response = try connection.readResponse(timeout: 60)
        #expect(response.status == 200)
        let answer = try stream ? #require(try Self.streamPayloads(response.text).last) : jsonObject(response)
        #expect(try Self.finishType(answer) == "abort")
        let meta = try Self.metaInfo(answer)
        #expect(meta["id"] as? String == "slow")
        #expect((meta["completion_tokens"] as? Int).map { $0 < 1000 } == true)
        #expect(try mock.running() == 0)
    }

    @Test func abortRequestForAnUnknownRidLeavesOthersRunning() throws {
        let mock = try MockWorkerProcess(["--latency-per-token-ms", "1000"])
        let connection = try RawHTTPConnection(port: mock.port)
        try connection.sendJSON("POST", "/generate", generateBody(rid: "kept", maxNewTokens: 1000), keepAlive: false)
        #expect(eventually(timeout: 30) { (try? mock.running()) == 1 })
        #expect(try httpRequest("POST", port: mock.port, path: "/abort_request", json: ["rid": "other"]).status == 200)
        #expect(try mock.running() == 1)
    }

    // MARK: fault knobs, each at 1.0: every request faults

    /// Three generations at a mock with `knob` at 1.0.
    func threeGenerations(faulting knob: String) throws -> [HTTPTestResponse] {
        let mock = try MockWorkerProcess()
        try mock.configure([knob: 1.0])
        return try (0..<3).map { try generate(mock, generateBody(rid: "\(knob)\($0)", maxNewTokens: 4)) }
    }

    @Test func abortRateAnswersEveryGenerationAborted() throws {
        for response in try threeGenerations(faulting: "abort_rate") {
            #expect(response.status == 200)
            let answer = try jsonObject(response)
            #expect(answer["output_ids"] as? [Int] == [])
            let reason = try #require(try Self.metaInfo(answer)["finish_reason"] as? [String: Any])
            #expect(reason["type"] as? String == "abort")
            #expect(reason["message"] is String)
            #expect(reason["status_code"] as? Int == 503)
        }
    }

    /// A streaming request that aborts still gets an event stream.
    @Test func abortRateOnAStreamSendsOneAbortEvent() throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["abort_rate": 1.0])
        let response = try generate(mock, generateBody(rid: "s", maxNewTokens: 4, stream: true))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/event-stream")
        let payloads = try Self.streamPayloads(response.text)
        #expect(payloads.count == 1)
        #expect(try payloads.first.map(Self.finishType) == "abort")
    }

    @Test func errorRateAnswersEveryGeneration500() throws {
        for response in try threeGenerations(faulting: "error_rate") {
            #expect(response.status == 500)
            #expect(errorMessage(response) != nil, "body: \(response.text)")
        }
    }

    @Test func dropRateClosesEveryConnectionWithoutAByte() throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["drop_rate": 1.0])
        for index in 0..<3 {
            let connection = try RawHTTPConnection(port: mock.port)
            try connection.sendJSON("POST", "/generate", generateBody(rid: "d\(index)", maxNewTokens: 4), keepAlive: true)
            #expect(try connection.readUntilClosed(timeout: 30).isEmpty)
        }
        #expect(try mock.rids() == ["d0", "d1", "d2"])
    }

    // MARK: inspection and control for other tests

    /// `connections_accepted` counts TCP connections, not requests; the
    /// stats request's own connection is among them.
    @Test func statsCountAcceptedConnections() throws {
        let mock = try MockWorkerProcess()
        let before = try #require(try mock.client.stats()["connections_accepted"])
        let connection = try RawHTTPConnection(port: mock.port)
        for index in 0..<3 {
            try connection.sendJSON("POST", "/generate", generateBody(rid: "k\(index)", maxNewTokens: 2), keepAlive: true)
            #expect(try connection.readResponse(timeout: 60).status == 200)
        }
        #expect(try mock.client.stats()["connections_accepted"] == before + 2)
        for index in 0..<2 { #expect(try generate(mock, generateBody(rid: "c\(index)", maxNewTokens: 2)).status == 200) }
        #expect(try mock.client.stats()["connections_accepted"] == before + 5)
    }

    /// With `hold_health`, each `/health` waits for an answer from `health_answers`.
    @Test func heldHealthProbesWaitForScriptedAnswers() throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["hold_health": true, "health_answers": [503]])
        #expect(try httpRequest("GET", port: mock.port, path: "/health").status == 503)

        let waiting = try RawHTTPConnection(port: mock.port)
        try waiting.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(eventually(timeout: 30) { (try? mock.client.stats()["health_probes_waiting"]) == 1 })
        try mock.configure(["health_answers": [200]])
        #expect(try waiting.readResponse(timeout: 60).status == 200)

        try waiting.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(eventually(timeout: 30) { (try? mock.client.stats()["health_probes_waiting"]) == 1 })
        try mock.configure(["hold_health": false])
        #expect(try waiting.readResponse(timeout: 60).status == 200)
        #expect(try mock.client.stats()["health_probes"] == 3)
        #expect(try mock.client.stats()["health_probes_waiting"] == 0)
    }
}
