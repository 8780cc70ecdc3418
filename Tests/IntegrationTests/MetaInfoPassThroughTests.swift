import Foundation
import Testing
import TestSupport

/// `meta_info` members the router does not know (`routed_experts` for MoE
/// routing replay, `hidden_states`, anything custom) reach the client byte
/// for byte, numbers spelled as the worker spelled them, on every path:
/// radix tree on and off, streamed and not, batches.
@Suite struct MetaInfoPassThroughTests {
    /// About 3 MB of `routed_experts` ([token][layer][expert] ids, with odd
    /// spacing), `hidden_states` with numbers a re-serializer would respell,
    /// and a custom member with escapes and a number beyond 64 bits.
    static let extraMembers: String = {
        var experts = #""routed_experts": ["#
        for row in 0..<120_000 {
            if row > 0 { experts += "," }
            experts += "[[\(row % 128),\((row * 7) % 128)],[ \(row % 3) , 5 ]]"
        }
        experts += "]"
        return experts + #", "hidden_states" : [[0.10, -2.5e-3, 1E2, 0.0000, 1.5E+300]], "#
            + #""custom_field": {"caf\u00e9": "line\nbreak \"quoted\"", "big": 123456789012345678901234567890, "neg": -0.0}"#
    }()

    enum Path: String, CaseIterable {
        case plain, plainStream, radixTree, radixTreeStream, radixTreeBatch

        var usesRadixTree: Bool { [.radixTree, .radixTreeStream, .radixTreeBatch].contains(self) }
        var streams: Bool { [.plainStream, .radixTreeStream].contains(self) }
    }

    @Test(arguments: Path.allCases)
    func unknownMembersPassThroughByteForByte(path: Path) throws {
        let tokenizer = try TokenizerFixtures.qwen3Directory()
        let mock = try MockWorkerProcess(path.usesRadixTree ? ["--tokenizer-path", tokenizer] : [])
        let router = try RouterProcess(
            mocks: [mock], path.usesRadixTree ? ["--middleware", "radix-tree", "--hf-checkpoint", tokenizer] : [])
        try mock.configure(["meta_info_extra": Self.extraMembers])

        var body: [String: Any] = [
            "text": path == .radixTreeBatch ? ["Hello", "World"] : "Hello",
            "sampling_params": ["max_new_tokens": 3],
        ]
        if path.streams { body["stream"] = true }
        let response = try router.request("POST", "/generate", json: body)
        #expect(response.status == 200, "\(response.text.prefix(300))")

        let answers: [[UInt8]] =
            path.streams
            ? StreamingTests.events(response.text).filter { $0 != "[DONE]" }.map { Array($0.utf8) }
            : [response.body]
        #expect(answers.count == (path.streams ? 3 : 1))
        let extra = Data(Self.extraMembers.utf8)
        for answer in answers {
            let data = Data(answer)
            var found = 0, from = data.startIndex
            while let range = data.range(of: extra, in: from..<data.endIndex) {
                found += 1
                from = range.upperBound
            }
            #expect(found == (path == .radixTreeBatch ? 2 : 1), "answer of \(answer.count) bytes holds the members \(found) times")
        }
    }
}

extension MetaInfoPassThroughTests {
    /// The knob the tests above rely on: the members land inside `meta_info`,
    /// as they were spelled, and what is not object members is refused.
    @Test func mockSplicesTheMembersIntoMetaInfo() throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["meta_info_extra": #""routed_experts": [[1, 2]], "custom": 1.50"#])
        let response = try httpRequest(
            "POST", port: mock.port, path: "/generate",
            json: ["text": "Hi", "sampling_params": ["max_new_tokens": 2]])
        #expect(response.text.contains(#","routed_experts": [[1, 2]], "custom": 1.50}}"#), "\(response.text)")
        let meta = try MockSGLangTests.metaInfo(jsonObject(response))
        #expect(meta["routed_experts"] as? [[Int]] == [[1, 2]])
        #expect(meta["completion_tokens"] as? Int == 2)

        let refused = try httpRequest("POST", port: mock.port, path: "/mock/config", json: ["meta_info_extra": "[1, 2]"])
        #expect(refused.status == 400)
    }
}
