import RadixCache
import Tokenizer

/// A finished generation to cache: the prompt it was sent, what the worker
/// generated, and the generation's name (the client's `rid`, else the
/// worker's `meta_info.id`).
struct GeneratedTrajectory: Sendable {
    let prompt: PromptRecord
    let output: GeneratedOutput
    let generation: String

    /// Stores prompt + generated output as one trajectory, under the prompt
    /// text followed by the generation's key text (`GeneratedSpelling`), the
    /// generated tokens carrying their generation's origin. Returns the
    /// stored text; nil, storing nothing, when `quickly` asks for
    /// `RadixCache.insertIfQuick` and the insert would not be quick.
    func insert(into cache: RadixCache, tokenizer: Tokenizer, quickly: Bool = false) throws(RadixCacheError) -> String? {
        let spelling = GeneratedSpelling(ids: output.ids, clientText: output.text, tokenizer: tokenizer)
        let kept = spelling.storedCount
        let text = prompt.text + spelling.text
        var origins = prompt.originRuns
        origins.append(TokenOrigin(generation: generation, weightVersion: output.weightVersion), count: kept)
        let tokens = prompt.ids + output.ids.prefix(kept), logprobs = prompt.logprobs + output.logprobs.prefix(kept)
        let lossMask = prompt.lossMask + repeatElement(1, count: kept)
        if quickly {
            let stored = try cache.insertIfQuick(
                text: text, tokens: tokens, logprobs: logprobs, lossMask: lossMask,
                weightVersion: output.weightVersion, originRuns: origins, tailCount: spelling.tailCount)
            return stored ? text : nil
        }
        try cache.insert(
            text: text, tokens: tokens, logprobs: logprobs, lossMask: lossMask,
            weightVersion: output.weightVersion, originRuns: origins, tailCount: spelling.tailCount)
        return text
    }
}
