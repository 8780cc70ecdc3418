import Foundation
import Testing
@testable import Tokenizer

/// Unsupported components are load errors naming them, never a silently
/// different tokenization. Each case edits a minimal valid tokenizer.json.
@Suite struct LoadErrorTests {
    /// A tiny byte-level BPE: every byte, plus "ab" from one merge.
    static func tokenizerJSON(_ edit: (inout [String: Any]) -> Void) throws -> String {
        var vocab: [String: Int] = [:]
        for byte in 0..<256 { vocab[String(Unicode.Scalar(ByteLevelAlphabet.characterOfByte[byte])!)] = byte }
        vocab["ab"] = 256
        var root: [String: Any] = [
            "normalizer": NSNull(), "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true],
            "model": ["type": "BPE", "vocab": vocab, "merges": ["a b"]],
            "decoder": ["type": "ByteLevel"], "post_processor": NSNull(), "added_tokens": [],
        ]
        edit(&root)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: root).write(to: directory.appendingPathComponent("tokenizer.json"))
        return directory.path
    }

    static let cases: [(String, @Sendable (inout [String: Any]) -> Void)] = [
        ("normalizer", { $0["normalizer"] = ["type": "Lowercase"] }),
        ("pre-tokenizer", { $0["pre_tokenizer"] = ["type": "Metaspace"] }),
        ("decoder", { $0["decoder"] = ["type": "WordPiece"] }),
        ("post-processor", { $0["post_processor"] = ["type": "BertProcessing"] }),
        ("model", { $0["model"] = ["type": "Unigram", "vocab": []] }),
        (
            "byte_fallback",
            { root in
                var model = root["model"] as! [String: Any]
                model["byte_fallback"] = true
                root["model"] = model
            }
        ),
        ("Split behavior", { $0["pre_tokenizer"] = ["type": "Split", "pattern": ["Regex": "a"], "behavior": "Sideways"] }),
        (
            "bad merge",
            { root in
                var model = root["model"] as! [String: Any]
                model["merges"] = ["a zz"]
                root["model"] = model
            }
        ),
    ]

    @Test(arguments: cases.indices)
    func namesTheUnsupportedComponent(index: Int) throws {
        let (name, edit) = Self.cases[index]
        let directory = try Self.tokenizerJSON(edit)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try Tokenizer.load(directory: directory)
            Issue.record("loading with an unsupported \(name) succeeded")
        } catch let error as TokenizerLoadError {
            #expect(error.description.contains(name), "\(error.description)")
        }
    }

    @Test func minimalFileLoadsAndMerges() throws {
        let directory = try Self.tokenizerJSON { _ in }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tokenizer = try Tokenizer.load(directory: directory)
        // Vocabulary ids are the byte values; " a" has no merge.
        #expect(tokenizer.encode("ab a") == [256, 32, 97])
        #expect(tokenizer.decode([256, 32, 97]) == "ab a")
    }

    /// Tables are sized by the largest id: one far beyond any vocabulary is
    /// a malformed file, not 16 GB to allocate.
    @Test(
        arguments: [
            { (root: inout [String: Any]) in
                var model = root["model"] as! [String: Any]
                model["vocab"] = ["a": 1 << 30]
                root["model"] = model
            },
            { (root: inout [String: Any]) in root["added_tokens"] = [["id": 1 << 30, "content": "<huge>"]] },
        ] as [@Sendable (inout [String: Any]) -> Void])
    func anIdBeyondAnyVocabularyIsALoadError(edit: @Sendable (inout [String: Any]) -> Void) throws {
        let directory = try Self.tokenizerJSON(edit)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: TokenizerLoadError.self) { try Tokenizer.load(directory: directory) }
    }

    /// An added token's bytes win over the model's for the same id, and
    /// ids between the model's last and an added one spell nothing.
    @Test func addedTokensSpellTheirIdsAndGapsSpellNothing() throws {
        let directory = try Self.tokenizerJSON { root in
            root["added_tokens"] = [["id": 97, "content": "<a>", "special": true], ["id": 300, "content": "<end>", "special": true]]
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tokenizer = try Tokenizer.load(directory: directory)
        #expect(tokenizer.vocabularySize == 301)
        #expect(tokenizer.bytes(of: 97) == Array("<a>".utf8))
        #expect(tokenizer.byteLength(of: 97) == 3)
        #expect(tokenizer.bytes(of: 300) == Array("<end>".utf8))
        #expect(tokenizer.bytes(of: 256) == Array("ab".utf8))
        #expect(tokenizer.bytes(of: 280) == nil && tokenizer.byteLength(of: 280) == 0)
        #expect(tokenizer.withBytes(of: 280) { $0.count } == 0)
        #expect(tokenizer.bytes(of: 999_999) == nil && tokenizer.byteLength(of: 999_999) == 0)
        #expect(tokenizer.decode([256, 97, 300]) == "ab<a><end>")
    }

    @Test func missingDirectoryIsAnError() {
        #expect(throws: TokenizerLoadError.self) { try Tokenizer.load(directory: "/nonexistent/tokenizer") }
    }
}
