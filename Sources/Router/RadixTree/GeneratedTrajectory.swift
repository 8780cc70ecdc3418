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
    /// stored text.
    func insert(into cache: RadixCache, tokenizer: Tokenizer) throws(RadixCacheError) -> String {
        let spelling = GeneratedSpelling(ids: output.ids, clientText: output.text, tokenizer: tokenizer)
        let kept = spelling.storedCount
        let text = prompt.text + spelling.text
        var origins = prompt.originRuns
        origins.append(TokenOrigin(generation: generation, weightVersion: output.weightVersion), count: kept)
        try cache.insert(
            text: text,
            tokens: prompt.ids + output.ids.prefix(kept),
            logprobs: prompt.logprobs + output.logprobs.prefix(kept),
            lossMask: prompt.lossMask + repeatElement(1, count: kept),
            weightVersion: output.weightVersion, originRuns: origins, tailCount: spelling.tailCount)
        return text
    }
}
