import Foundation
import Testing
@testable import Tokenizer

@Suite struct TokenizerAPITests {
    @Test func qwen3Vocabulary() throws {
        let tokenizer = try Fixtures.qwen3.get()
        #expect(tokenizer.vocabularySize == 151_669)
        #expect(tokenizer.encode("<|im_start|>") == [151_644])
        #expect(tokenizer.isSpecial(151_644))
        #expect(!tokenizer.isSpecial(151_667))  // <think> is added but not special
        #expect(tokenizer.bytes(of: 151_667) == Array("<think>".utf8))
        #expect(tokenizer.eosToken == 151_645)
        #expect(tokenizer.bosToken == nil)
        #expect(tokenizer.bytes(of: 999_999) == nil)
        #expect(tokenizer.byteLength(of: 151_667) == 7)
    }

    @Test func bytesOfTokensSplittingACharacter() throws {
        let tokenizer = try Fixtures.qwen3.get()
        let text = "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀👍🏽"
        let ids = tokenizer.encode(text)
        let pieces = ids.map { tokenizer.bytes(of: $0)! }
        #expect(pieces.joined().elementsEqual(text.utf8))
        #expect(pieces.contains { String(validating: $0, as: UTF8.self) == nil }, "expected a token holding part of a character")
        #expect(ids.allSatisfy { tokenizer.byteLength(of: $0) == tokenizer.bytes(of: $0)!.count })
    }

    @Test func specialTokensFollowThePostProcessor() throws {
        let llama = try Fixtures.tokenizer("llama3")
        let bos = try #require(llama.bosToken)
        #expect(llama.encode("hi", addSpecialTokens: true) == [bos] + llama.encode("hi"))
        let qwen = try Fixtures.qwen3.get()
        #expect(qwen.encode("hi", addSpecialTokens: true) == qwen.encode("hi"))
        let text = "<|im_start|>user\nhi<|im_end|>"
        #expect(qwen.decode(qwen.encode(text), skipSpecialTokens: true) == "user\nhi")
    }

    /// `normalized` gives the text the ids spell: NFC for Qwen3, and the
    /// very text when nothing changes; GPT-2 style files do not normalize.
    @Test func normalizedTextIsWhatTheIdsSpell() throws {
        let qwen = try Fixtures.qwen3.get()
        let decomposed = "cafe\u{301} cre\u{300}me"
        let composed = qwen.normalized(decomposed)
        #expect(Array(composed.utf8) == Array("caf\u{e9} cr\u{e8}me".utf8))
        #expect(qwen.decode(qwen.encode(decomposed)) == composed)
        #expect(Array(qwen.normalized("plain ascii").utf8) == Array("plain ascii".utf8))
        let gpt2 = try Fixtures.tokenizer("gpt2")
        #expect(Array(gpt2.normalized(decomposed).utf8) == Array(decomposed.utf8))
    }

    /// The copy-free view of a token's bytes agrees with `bytes(of:)`, for
    /// vocabulary and added tokens, and is empty for unknown ids.
    /// Raw bytes that are not UTF-8 (a character cut at the end, a stray
    /// continuation byte) read as U+FFFD, as `String(decoding:)` reads them.
    @Test func invalidUTF8IsReadAsReplacementCharacters() throws {
        let tokenizer = try Fixtures.qwen3.get()
        for bytes in [[0x61, 0xEC, 0x96], [0xC3, 0x28, 0x31], [0x80, 0x62], [0xF0, 0x9F, 0x98]] as [[UInt8]] {
            let ids = bytes.withUnsafeBufferPointer { tokenizer.encode(utf8: $0) }
            #expect(ids == tokenizer.encode(String(decoding: bytes, as: UTF8.self)), "\(bytes)")
        }
    }

    @Test func withBytesAgreesWithBytes() throws {
        let qwen = try Fixtures.qwen3.get()
        for id in Array(stride(from: 0, to: 151_643, by: 97)) + Array(151_643...151_668) {
            let token = TokenID(id)
            #expect(qwen.withBytes(of: token) { Array($0) } == qwen.bytes(of: token), "id \(id)")
        }
        #expect(qwen.withBytes(of: 999_999) { $0.count } == 0)
        #expect(qwen.bytes(of: 999_999) == nil)
    }

    /// A token spells the start of a text when the text starts with its
    /// bytes: the whole token, a longer text, one byte short, one byte off.
    @Test func spelledLengthIsTheTokensBytesAtTheTextsStart() throws {
        let qwen = try Fixtures.qwen3.get()
        func spelled(_ token: TokenID, _ text: [UInt8]) -> Int? {
            text.withUnsafeBytes { qwen.spelledLength(of: token, at: $0) }
        }
        for id in Array(stride(from: 0, to: 151_643, by: 97)) + Array(151_643...151_668) {
            let token = TokenID(id), bytes = try #require(qwen.bytes(of: token))
            #expect(spelled(token, bytes) == bytes.count, "id \(id)")
            #expect(spelled(token, bytes + Array("tail".utf8)) == bytes.count, "id \(id)")
            #expect(spelled(token, Array(bytes.dropLast())) == nil, "id \(id)")
            #expect(spelled(token, bytes.dropLast() + [bytes.last! ^ 1]) == nil, "id \(id)")
        }
        #expect(spelled(999_999, Array("any".utf8)) == nil)
        #expect(spelled(220, []) == nil)
    }

    @Test func concurrentEncodingAgreesWithSequential() async throws {
        let tokenizer = try Fixtures.qwen3.get()
        let texts = Array(try Fixtures.corpus().suffix(400))
        let sequential = texts.map { tokenizer.encode($0) }
        let concurrent = await withTaskGroup(of: (Int, [[TokenID]]).self) { group in
            for worker in 0..<4 {
                group.addTask { (worker, texts.map { tokenizer.encode($0) }) }
            }
            var results: [[[TokenID]]] = []
            for await (_, ids) in group { results.append(ids) }
            return results
        }
        #expect(concurrent.count == 4)
        #expect(concurrent.allSatisfy { $0 == sequential })
    }

    /// Short texts make the scratch pool's lock the busiest part of an
    /// encode, so threads meet there (under ThreadSanitizer, scripts/tsan-radix.sh,
    /// this is what shows a lock TSan cannot see).
    @Test func shortEncodingsFromManyThreadsAgree() async throws {
        let tokenizer = try Fixtures.qwen3.get()
        let texts = ["a", " b", "hi", "ok.", "x y"]
        let sequential = texts.map { tokenizer.encode($0) }
        let agreeing = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<3_000).allSatisfy { round in
                        tokenizer.encode(texts[round % texts.count]) == sequential[round % texts.count]
                    }
                }
            }
            return await group.reduce(into: 0) { count, agreed in count += agreed ? 1 : 0 }
        }
        #expect(agreeing == 8)
    }
}

/// The native scanner against the same pattern run by a regex engine (ICU),
/// over the corpus, for every pattern it recognises.
@Suite struct NativeScannerTests {
    @Test(arguments: SplitPattern.presets.indices)
    func agreesWithRegex(index: Int) throws {
        let pattern = SplitPattern.presets[index]
        #expect(SplitPattern.recognise(pattern.regex) == pattern)
        let native = SplitMatcher.native(NativeSplitScanner(pattern))
        let regex = SplitMatcher.regex(try RegexSplitter(pattern: pattern.regex))
        var mismatches = 0
        for var text in try Fixtures.corpus() {
            let shown = text.debugDescription
            text.withUTF8 { buffer in
                guard let base = buffer.baseAddress else { return }
                var ours: [Int] = [], theirs: [Int] = []
                native.forEachMatch(base, 0, buffer.count) { ours.append($1) }
                regex.forEachMatch(base, 0, buffer.count) { theirs.append($1) }
                if ours != theirs {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("\(pattern.regex) on \(shown)") }
                }
            }
        }
        #expect(mismatches == 0)
    }
}
