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

    /// How many bytes `token` spells if `text` starts with them; nil if it
    /// does not, or if the token has no bytes. An insert asks it for each
    /// token the tree does not hold yet: a conformer can answer without
    /// going through the generic `withBytes` (see the default below).
    func spelledLength(of token: UInt32, at text: UnsafeRawBufferPointer) -> Int?
}

extension TokenBytes {
    public func mayBeOmittedFromText(_ token: UInt32) -> Bool { false }

    public func spelledLength(of token: UInt32, at text: UnsafeRawBufferPointer) -> Int? {
        withBytes(of: token) { piece in piece.spells(at: text) }
    }
}

extension UnsafeRawBufferPointer {
    /// `count` if `text` starts with these bytes, else nil (nil when empty).
    /// For `TokenBytes.spelledLength`.
    public func spells(at text: UnsafeRawBufferPointer) -> Int? {
        guard !isEmpty, count <= text.count else { return nil }
        let shared = commonPrefixLength(
            baseAddress!.assumingMemoryBound(to: UInt8.self), text.baseAddress!.assumingMemoryBound(to: UInt8.self),
            count: count)
        return shared == count ? count : nil
    }
}
