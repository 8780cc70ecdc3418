import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// `/generate` bodies the radix-tree middleware cannot turn into ids:
    /// a 400 with a JSON error, and nothing reaches the worker.
    @Suite struct GenerateBadInput {
        static let bodies: [(String, [UInt8])] = [
            ("invalid JSON", Array(#"{"text": "hello", "#.utf8)),
            ("not JSON at all", Array("hello".utf8)),
            ("text is a number", Array(#"{"text": 42}"#.utf8)),
            ("text is an object", Array(#"{"text": {"a": "b"}}"#.utf8)),
            ("text list with a number", Array(#"{"text": ["a", 1]}"#.utf8)),
            ("empty text list", Array(#"{"text": []}"#.utf8)),
            ("text and input_ids", Array(#"{"text": "hello", "input_ids": [1, 2]}"#.utf8)),
            ("neither text nor input_ids", Array(#"{"sampling_params": {"max_new_tokens": 2}}"#.utf8)),
            ("negative id", Array(#"{"input_ids": [1, -2, 3]}"#.utf8)),
            ("fractional id", Array(#"{"input_ids": [1, 2.5]}"#.utf8)),
            // SGLang's Python reads these as floats; the router must not cache them as 1, 100 and 0.
            ("id spelled 1.0", Array(#"{"input_ids": [1.0, 2]}"#.utf8)),
            ("id spelled 1e2", Array(#"{"input_ids": [1e2]}"#.utf8)),
            ("id spelled -0", Array(#"{"input_ids": [-0, 2]}"#.utf8)),
            ("rid of the wrong type", Array(#"{"text": "hello", "rid": 7}"#.utf8)),
            ("batch rid not a list", Array(#"{"text": ["a", "b"], "rid": "one"}"#.utf8)),
            ("id beyond 32 bits", Array(#"{"input_ids": [4294967296]}"#.utf8)),
            ("invalid UTF-8 in text", Array(#"{"text": "caf"#.utf8) + [0xC3, 0x28] + Array(#"", "rid": "x"}"#.utf8)),
            ("lone surrogate escape", Array(#"{"text": "a\ud800b"}"#.utf8)),
            ("stream not a boolean", Array(#"{"text": "hello", "stream": "yes"}"#.utf8)),
        ]

        @Test func rejectedWithA400AndNothingReachesTheWorker() throws {
            let workers = try MockWorkerProcess.withQwen3Tokenizer(1)
            let router = try RouterProcess.withRadixTree(workers: [workers[0].url])
            for (name, body) in Self.bodies {
                let response = try router.request("POST", "/generate", headers: [("Content-Type", "application/json")], body: body)
                #expect(response.status == 400, "\(name): \(response.status) \(response.text.prefix(300))")
                #expect(isJSONError(response), "\(name): \(response.text.prefix(300))")
            }
            let received = try workers[0].requestsText()
            #expect(try workers[0].requests().isEmpty, "the worker got: \(received.prefix(500))")
            // The router still works.
            let good = try router.post("/generate", json: ["text": "hello", "sampling_params": ["max_new_tokens": 2]])
            #expect(good.status == 200)
        }
    }
}
