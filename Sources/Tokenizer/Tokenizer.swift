public typealias TokenID = UInt32

/// A byte-level BPE tokenizer giving exactly the ids of Hugging Face
/// `tokenizers` (or tiktoken). Immutable after loading; safe to use from
/// many threads at once.
public final class Tokenizer: Sendable {
    let model: BPEModel
    let normalizer: Normalizer
    let preTokenizer: PreTokenizer
    let postProcessor: PostProcessor
    /// Added tokens matched in the raw input, and in normalized text.
    private let rawAddedTokens: AddedTokenMatcher
    private let normalizedAddedTokens: AddedTokenMatcher
    /// Every id's bytes; an added token's take precedence over the model's.
    /// (Visible to inlined code: `withBytes` is called token by token from
    /// other modules, where an unspecialized generic call costs ten times
    /// the lookup.)
    @usableFromInline let spellings: TokenSpellings
    private let specialIds: Set<TokenID>
    private let caches = ScratchPool<WordCache> { WordCache() }

    public let vocabularySize: Int
    /// The largest id a tokenizer file may use. Tables are sized by the
    /// largest id, and the largest vocabularies have a few hundred thousand
    /// tokens: an id beyond this is a malformed file. (The radix cache
    /// keeps ids in 23 bits too.)
    public static let maxTokenID = (1 << 23) - 1
    public let bosToken: TokenID?
    public let eosToken: TokenID?

    init(
        model: BPEModel, normalizer: Normalizer, preTokenizer: PreTokenizer, postProcessor: PostProcessor,
        addedTokens: [AddedToken], bosToken: TokenID?, eosToken: TokenID?
    ) {
        self.model = model
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        rawAddedTokens = AddedTokenMatcher(addedTokens.filter { !$0.normalized })
        normalizedAddedTokens = AddedTokenMatcher(addedTokens.filter { $0.normalized })
        let addedTokenBytes = Dictionary(
            addedTokens.map { ($0.id, ByteLevelAlphabet.decodedBytes(ofToken: $0.content)) },
            uniquingKeysWith: { first, _ in first })
        specialIds = Set(addedTokens.filter(\.special).map(\.id))
        vocabularySize = max(model.tokens.count, addedTokens.map { Int($0.id) + 1 }.max() ?? 0)
        let modelSpellings = model.tokens.spellings
        spellings = TokenSpellings(count: vocabularySize) { id, arena in
            if let added = addedTokenBytes[TokenID(id)] {
                arena += added
            } else if modelSpellings.isKnown(TokenID(id)) {
                modelSpellings.withBytes(of: TokenID(id)) { arena += $0 }
            } else {
                return false
            }
            return true
        }
        self.bosToken = bosToken
        self.eosToken = eosToken
    }

    // MARK: Encoding

    /// `text` as the tokenizer's normalizer makes it (NFC for the Qwen and
    /// Llama families): the bytes `encode`'s ids spell. Added tokens matched
    /// in the raw input (`normalized: false`, as special tokens are) stay as
    /// they are, and the text between them is normalized piece by piece, as
    /// Hugging Face's added vocabulary does: `<|im_end|>` followed by a
    /// combining mark stays `<|im_end|>`. Returns `text` itself when it is
    /// already normalized.
    public func normalized(_ text: String) -> String {
        var text = text
        let changed: [UInt8]? = text.withUTF8 { utf8 in
            // A substring of normalized text is normalized: most texts need no split.
            if normalizer.withNormalized(utf8, { $0.baseAddress == utf8.baseAddress }) { return nil }
            var result: [UInt8] = []
            var changed = false
            rawAddedTokens.split(utf8) { range, token in
                let piece = UnsafeBufferPointer(rebasing: utf8[range])
                guard token == nil else { return result.append(contentsOf: piece) }
                normalizer.withNormalized(piece) { normalized in
                    changed = changed || normalized.baseAddress != piece.baseAddress
                    result.append(contentsOf: normalized)
                }
            }
            return changed ? result : nil
        }
        return changed.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    public func encode(_ text: String, addSpecialTokens: Bool = false) -> [TokenID] {
        var text = text
        let ids = text.withUTF8 { encode(utf8: $0) }
        return addSpecialTokens ? postProcessor.apply(to: ids) : ids
    }

    /// Encodes UTF-8 (without the post-processor's special tokens). Bytes
    /// that are not valid UTF-8 are read as U+FFFD, as `String(decoding:)`
    /// reads them: the scanners below assume whole characters (a cut one
    /// at the end was read past the buffer; found by fuzzing).
    public func encode(utf8 text: UnsafeBufferPointer<UInt8>) -> [TokenID] {
        guard (try? UTF8Span(validating: text.span)) != nil else {
            var repaired = String(decoding: text, as: UTF8.self)
            return repaired.withUTF8 { encode(utf8: $0) }
        }
        var ids: [TokenID] = []
        // A token spells at least one byte of the normalized text, so a
        // short text outgrows its byte count only where normalizing
        // lengthens it (NFC can): a request's new turn then does not grow the
        // array (growing cost a fifth of its encoding); a long one reserves a
        // typical three bytes a token. Only a hint: the ids are the same.
        ids.reserveCapacity(min(text.count, text.count / 3 + 64))
        caches.withValue { cache in
            rawAddedTokens.split(text) { range, token in
                if let token {
                    ids.append(token)
                    return
                }
                normalizer.withNormalized(UnsafeBufferPointer(rebasing: text[range])) { normalized in
                    normalizedAddedTokens.split(normalized) { range, token in
                        if let token {
                            ids.append(token)
                        } else {
                            encodeFreeText(UnsafeBufferPointer(rebasing: normalized[range]), &ids, cache)
                        }
                    }
                }
            }
        }
        return ids
    }

    /// Pre-tokenizes normalized text holding no added tokens and runs BPE
    /// on each word, through the word cache when the word is short.
    private func encodeFreeText(_ text: UnsafeBufferPointer<UInt8>, _ ids: inout [TokenID], _ cache: WordCache) {
        preTokenizer.forEachWord(text) { word, count in
            if count > 1, count <= WordCache.maxWordBytes {
                cache.encode(word, count, into: &ids) { model.encodeWord(word, count, into: &$0) }
            } else {
                model.encodeWord(word, count, into: &ids)
            }
        }
    }

    // MARK: Decoding and vocabulary

    public func decode(_ ids: [TokenID], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids where !(skipSpecialTokens && isSpecial(id)) {
            spellings.withBytes(of: id) { bytes.append(contentsOf: $0) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The exact bytes token `id` stands for (possibly part of a UTF-8
    /// character); nil for ids outside the vocabulary.
    public func bytes(of id: TokenID) -> [UInt8]? {
        spellings.isKnown(id) ? spellings.withBytes(of: id) { Array($0) } : nil
    }

    /// Calls `body` with the bytes of `id` (empty for an unknown id) without
    /// copying them: for hot loops over many tokens.
    @inlinable
    public func withBytes<Result>(of id: TokenID, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try spellings.withBytes(of: id, body)
    }

    /// How many bytes `id` spells if `text` starts with them; nil if it
    /// does not, or if `id` spells nothing (unknown ids included).
    @inlinable
    public func spelledLength(of id: TokenID, at text: UnsafeRawBufferPointer) -> Int? {
        spellings.spelledLength(of: id, at: text)
    }

    /// Number of bytes `bytes(of:)` would return (0 for unknown ids).
    public func byteLength(of id: TokenID) -> Int {
        spellings.byteCount(of: id)
    }

    public func isSpecial(_ id: TokenID) -> Bool {
        specialIds.contains(id)
    }
}
