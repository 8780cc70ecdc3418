/// The vocabulary's view the cache needs: each token's exact UTF-8 bytes.
///
/// The cache checks at insert that the tokens spell the text, and stores the
/// text once per tree edge, never once per token: a token's bytes are known
/// from the vocabulary, so an edge keeps only each token's text length.
/// Readers ask the vocabulary only for tokens of 63 bytes or more (see
/// `TokenFlags`), so conformers must be safe to call from any thread.
public protocol TokenBytes: Sendable {
    /// Calls `body` with the bytes `token` decodes to. They may be part of a
    /// multi-byte character. An unknown token gives no bytes.
    func withBytes<Result>(of token: UInt32, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result

    /// Whether decoded text may leave `token` out: special tokens such as a
    /// stop token decoded with `skip_special_tokens`, or tokens without bytes.
    /// Any other token must spell its bytes in the text.
    func mayBeOmittedFromText(_ token: UInt32) -> Bool
}

extension TokenBytes {
    public func mayBeOmittedFromText(_ token: UInt32) -> Bool { false }
}
