import Foundation
import Testing
@testable import Tokenizer

/// The tiktoken rank format against tiktoken itself (the oracle for it).
@Suite struct TiktokenTests {
    @Test func matchesTiktoken() throws {
        let meta = try Fixtures.json("qwen-tiktoken/meta.json") as! [String: Any]
        let specials = (meta["special_tokens"] as! [String: NSNumber]).mapValues { TokenID($0.uint32Value) }
        let tokenizer = try Tokenizer.load(
            tiktokenFile: try Fixtures.path("qwen-tiktoken/qwen.tiktoken"),
            pattern: meta["pattern"] as! String, specialTokens: specials)
        let expected = try Fixtures.json("qwen-tiktoken/expected.json") as! [String: Any]
        let texts = expected["texts"] as! [String], ids = idLists(expected["ids"])

        var mismatches = 0
        for (i, text) in texts.enumerated() where tokenizer.encode(text) != ids[i] || tokenizer.decode(ids[i]) != text {
            mismatches += 1
            if mismatches <= 5 { Issue.record("text #\(i) \(text.debugDescription): ours \(tokenizer.encode(text)) tiktoken \(ids[i])") }
        }
        #expect(mismatches == 0, "\(mismatches) of \(texts.count) texts differ")
        #expect(tokenizer.vocabularySize == 151_643 + specials.count)
        #expect(tokenizer.isSpecial(specials["<|im_end|>"]!))
    }

    @Test func rejectsMalformedRankFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).tiktoken")
        try "IQ== 0\nnot-a-line\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: TokenizerLoadError.self) {
            try Tokenizer.load(tiktokenFile: file.path, pattern: SplitPattern.qwen2.regex, specialTokens: [:])
        }
    }
}
