import RadixCache
import Tokenizer

/// The tokenizer's vocabulary as the radix cache sees it.
struct TokenizerBytes: TokenBytes {
    let tokenizer: Tokenizer

    func withBytes<Result>(of token: UInt32, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try tokenizer.withBytes(of: token, body)
    }

    /// The tokenizer's own: through the protocol's generic `withBytes` each
    /// call would cost several times the lookup.
    func spelledLength(of token: UInt32, at text: UnsafeRawBufferPointer) -> Int? {
        tokenizer.spelledLength(of: token, at: text)
    }

    /// Special tokens (BOS a tokenizer adds, a stop token the worker's text
    /// skips) may be absent from the text.
    func mayBeOmittedFromText(_ token: UInt32) -> Bool {
        tokenizer.isSpecial(token)
    }
}
