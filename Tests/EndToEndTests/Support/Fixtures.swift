import Foundation
import Testing
import TestSupport
import Tokenizer

/// The Qwen3 tokenizer fixture made by scripts/setup.sh, shared by the
/// router, the mock workers and the tests (which compute the expected fresh
/// tokenizations with it).
enum Fixtures {
    /// Loaded once: in debug builds the 151K vocabulary takes seconds.
    private static let loaded: Result<Tokenizer, any Error> = Result {
        try Tokenizer.load(directory: try TokenizerFixtures.qwen3Directory())
    }

    static func tokenizer() throws -> Tokenizer { try loaded.get() }
}

/// Ids as the tests handle them (JSON numbers become `Int`).
extension Tokenizer {
    /// What SGLang (and the router) make of a text: special tokens included.
    func ids(_ text: String) -> [Int] { encode(text, addSpecialTokens: true).map { Int($0) } }

    /// The ids of `text` when it continues an earlier text (no special tokens added).
    func rest(_ text: String) -> [Int] { encode(text).map { Int($0) } }
}

/// Qwen3 chat-template strings, as a workflow would build them.
enum Chat {
    static let endOfTurn = "<|im_end|>\n"

    static func system(_ content: String) -> String { "<|im_start|>system\n\(content)<|im_end|>\n" }

    /// A user message and the assistant header that asks for the answer.
    static func user(_ content: String) -> String {
        "<|im_start|>user\n\(content)<|im_end|>\n<|im_start|>assistant\n"
    }
}
