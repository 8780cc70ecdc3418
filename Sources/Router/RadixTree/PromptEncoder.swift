import RadixCache
import Tokenizer

/// A prompt as the worker will see it: cached tokens for the longest
/// cached prefix, fresh tokens for the rest.
struct EncodedPrompt: Sendable {
    let text: String
    let ids: [UInt32]
    /// The cached part (its tokens are `ids.prefix(match.tokenCount)`).
    let match: RadixMatch

    var freshCount: Int { ids.count - match.tokenCount }
}

/// Turns text into the ids to send. Pure and thread-safe: runs on the loop
/// for short texts and on the thread pool for long ones.
struct PromptEncoder: Sendable {
    let cache: RadixCache
    let tokenizer: Tokenizer

    /// The text is first normalized as the tokenizer does (NFC): ids spell
    /// normalized text, so the cache is keyed by it too. A prompt's lookup
    /// is the default; a trainer's asks for tails and names a generation.
    func encode(_ text: String, options: RadixCache.MatchOptions = .init()) -> EncodedPrompt {
        var text = tokenizer.normalized(text)
        let match = cache.match(text, options: options)
        guard !match.isMiss else {
            // What the worker would have done with the text: the tokenizer's
            // own special tokens (a BOS) included.
            return EncodedPrompt(text: text, ids: tokenizer.encode(text, addSpecialTokens: true), match: match)
        }
        let rest = text.withUTF8 { utf8 in
            tokenizer.encode(utf8: UnsafeBufferPointer(rebasing: utf8[match.matchedByteCount...]))
        }
        var ids: [UInt32] = []
        ids.reserveCapacity(match.tokenCount + rest.count)
        appendCopying(match.tokens, to: &ids)
        ids += rest
        return EncodedPrompt(text: text, ids: ids, match: match)
    }
}
