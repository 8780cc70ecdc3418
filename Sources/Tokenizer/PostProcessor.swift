/// What `addSpecialTokens` adds around the ids of a single sequence (from a
/// TemplateProcessing post-processor or `add_bos_token`/`add_eos_token`).
struct PostProcessor: Sendable {
    var prefix: [TokenID] = []
    var suffix: [TokenID] = []

    var isEmpty: Bool { prefix.isEmpty && suffix.isEmpty }

    func apply(to ids: [TokenID]) -> [TokenID] {
        isEmpty ? ids : prefix + ids + suffix
    }

    /// Wraps `inner` in this processor (for `Sequence` post-processors).
    func wrapping(_ inner: PostProcessor) -> PostProcessor {
        PostProcessor(prefix: prefix + inner.prefix, suffix: inner.suffix + suffix)
    }
}
