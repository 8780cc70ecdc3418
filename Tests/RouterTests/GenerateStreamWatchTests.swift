import Testing
@testable import Router

/// Reading `meta_info` values from answer bytes (`MetaInfoScan`) and from a
/// stream cut anywhere into pieces (`GenerateStreamWatch`), in-process.
@Suite struct GenerateStreamWatchTests {
    func scan(_ key: ByteNeedle, _ text: String) -> String? {
        Array(text.utf8).withUnsafeBytes { MetaInfoScan.lastValue(of: key, in: $0) }
    }

    @Test func scanReadsTheLastValueAndNothingDoubtful() {
        let version = MetaInfoScan.weightVersionKey, tokens = MetaInfoScan.completionTokensKey
        #expect(scan(version, #"{"meta_info":{"weight_version":"12"}}"#) == "12")
        #expect(scan(version, #"[{"weight_version": "3"},{"weight_version" : "4"}]"#) == "4")
        #expect(scan(tokens, #"{"completion_tokens":17,"x":1}"#) == "17")
        #expect(scan(tokens, "{\"completion_tokens\":\n 5}") == "5")
        // Cut off by the end of the bytes: maybe more digits follow.
        #expect(scan(tokens, #"{"completion_tokens":17"#) == nil)
        #expect(scan(version, #"{"weight_version":"1"#) == nil)
        // Not a string or number, an escape, a key only named in a value.
        #expect(scan(version, #"{"weight_version":null}"#) == nil)
        #expect(scan(version, #"{"weight_version":"a\"b"}"#) == nil)
        #expect(scan(version, #"{"text":"weight_version"}"#) == nil)
        #expect(scan(version, "{}") == nil)
    }

    /// A cumulative SSE stream of `tokens` events, as SGLang writes it.
    func stream(tokens: Int, version: String) -> [UInt8] {
        var text = ""
        for produced in 1...tokens {
            text +=
                #"data: {"text":"\#(String(repeating: "ab", count: produced))","meta_info":{"id":"r","#
                + #""completion_tokens":\#(produced),"weight_version":"\#(version)","e2e_latency":0.5}}"# + "\n\n"
        }
        return Array((text + "data: [DONE]\n\n").utf8)
    }

    /// Wherever the stream is cut, and into however small pieces, the watch
    /// ends with the last event's values.
    @Test func valuesCutBetweenPiecesAreReadWhole() throws {
        let bytes = stream(tokens: 12, version: "1234567")
        for pieceSize in [1, 2, 7, 64, 159, 160, 161, 500, bytes.count] {
            for offset in [0, 3] where offset < pieceSize {
                let metrics = RouterMetrics()
                let watch = GenerateStreamWatch(startedAt: EventLoopClock.now(), metrics: metrics)
                var start = 0, end = offset == 0 ? pieceSize : offset
                while start < bytes.count {
                    bytes[start..<min(end, bytes.count)].withUnsafeBytes { watch.observe($0) }
                    start = end
                    end += pieceSize
                }
                let worker = Worker(url: "http://127.0.0.1:1")
                watch.finished(at: worker)
                #expect(worker.weightVersion == "1234567", "pieces of \(pieceSize) from \(offset)")
                let text = String(decoding: metrics.registry.emitToBuffer(), as: UTF8.self)
                #expect(text.contains("slime_router_time_to_first_token_seconds_count 1"), "pieces of \(pieceSize)")
                #expect(text.contains("slime_router_time_per_output_token_seconds_count 1"), "pieces of \(pieceSize)")
            }
        }
    }

    /// One token: there is no time between tokens to report.
    @Test func aOneTokenStreamHasNoTimePerToken() {
        let metrics = RouterMetrics()
        let watch = GenerateStreamWatch(startedAt: EventLoopClock.now(), metrics: metrics)
        stream(tokens: 1, version: "v").withUnsafeBytes { watch.observe($0) }
        watch.finished(at: nil)
        let text = String(decoding: metrics.registry.emitToBuffer(), as: UTF8.self)
        #expect(text.contains("slime_router_time_to_first_token_seconds_count 1"))
        #expect(text.contains("slime_router_time_per_output_token_seconds_count 0"))
    }
}
