import RadixCache
import Tokenizer

/// A finished generation as the cache stores it: prompt + generated
/// output as one trajectory, under the prompt text followed by the
/// generation's key text (`GeneratedSpelling`), the generated tokens
/// carrying their generation's origin (the client's `rid`, else the
/// worker's `meta_info.id`). Built once: an insert the loop gives up
/// (not quick) hands the same arrays to the writer thread.
struct GeneratedTrajectory: Sendable {
    let text: String
    let tokens: [UInt32]
    let logprobs: [Double]
    let lossMask: [UInt8]
    let weightVersion: String
    let originRuns: [TokenOriginRun]
    let tailCount: Int

    init(prompt: PromptRecord, output: GeneratedOutput, generation: String, tokenizer: Tokenizer) {
        let spelling = GeneratedSpelling(ids: output.ids, clientText: output.text, tokenizer: tokenizer)
        let kept = spelling.storedCount
        text = prompt.text + spelling.text
        tokens = concatenated(prompt.ids, output.ids.prefix(kept))
        logprobs = concatenated(prompt.logprobs, output.logprobs.prefix(kept))
        lossMask = concatenated(prompt.lossMask, repeatElement(1, count: kept))
        var origins = prompt.originRuns
        origins.append(TokenOrigin(generation: generation, weightVersion: output.weightVersion), count: kept)
        originRuns = origins
        weightVersion = output.weightVersion
        tailCount = spelling.tailCount
    }

    /// Stores it; see `RadixCache.insert` for `onlyIfQuick`.
    func insert(into cache: RadixCache, onlyIfQuick: Bool) throws(RadixCacheError) {
        try cache.insert(
            text: text, tokens: tokens, logprobs: logprobs, lossMask: lossMask, weightVersion: weightVersion,
            originRuns: originRuns, tailCount: tailCount, onlyIfQuick: onlyIfQuick)
    }
}

/// `head` then `tail` in one allocation, each copied at once where contiguous.
private func concatenated<Element>(_ head: [Element], _ tail: some Collection<Element>) -> [Element] {
    var result: [Element] = []
    result.reserveCapacity(head.count + tail.count)
    result.append(contentsOf: head)
    appendCopying(tail, to: &result)
    return result
}
