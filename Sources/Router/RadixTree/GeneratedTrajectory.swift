import RadixCache
import Tokenizer

/// Stores prompt + generated output as one trajectory, under the prompt
/// text followed by the generation's key text (`GeneratedSpelling`), the
/// generated tokens carrying their generation's origin.
enum TrajectoryStore {
    /// Returns the stored text.
    static func insert(
        prompt: PromptRecord, output: GeneratedOutput, generation: String, tokenizer: Tokenizer, cache: RadixCache
    ) throws(RadixCacheError) -> String {
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
