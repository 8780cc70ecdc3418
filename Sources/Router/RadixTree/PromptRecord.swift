import JSON
import RadixCache
import Tokenizer

/// The prompt half of a trajectory: what the worker was sent, with the
/// values and origins the cache already knew for its cached part (fresh
/// prompt tokens: log-probability 0.0, mask 0, no origin).
struct PromptRecord: Sendable {
    let text: String
    let ids: [UInt32]
    let logprobs: [Double]
    let lossMask: [UInt8]
    let originRuns: [TokenOriginRun]
    /// Leading tokens whose values came from the cache: an insert finds
    /// them stored (unless evicted since), which makes it cheaper.
    let cachedCount: Int

    init(_ prompt: EncodedPrompt) {
        text = prompt.text
        ids = prompt.ids
        cachedCount = prompt.match.tokenCount
        logprobs = padded(prompt.match.logprobs, with: 0.0, toCount: prompt.ids.count)
        lossMask = padded(prompt.match.lossMask, with: 0, toCount: prompt.ids.count)
        var origins = prompt.match.originRuns
        origins.append(.prompt, count: prompt.freshCount)
        originRuns = origins
    }

    /// A prompt given as ids: stored under its decoded text (special tokens
    /// spelled out, but for a leading BOS, which texts never show), keeping
    /// the values of a cached prefix when its ids agree.
    init?(ids: [UInt32], tokenizer: Tokenizer, cache: RadixCache) {
        let spelled = ids.first == tokenizer.bosToken ? ids.dropFirst() : ids[...]
        var bytes: [UInt8] = []
        for id in spelled { tokenizer.withBytes(of: id) { bytes += $0 } }
        guard let text = validUTF8String(bytes) else { return nil }
        let match = cache.match(text)
        let known = match.tokenCount <= ids.count && ids.starts(with: match.tokens) ? match.tokenCount : 0
        self.text = text
        self.ids = ids
        cachedCount = known
        logprobs = padded(match.logprobs.prefix(known), with: 0.0, toCount: ids.count)
        lossMask = padded(match.lossMask.prefix(known), with: 0, toCount: ids.count)
        var origins: [TokenOriginRun] = []
        var left = known
        for run in match.originRuns where left > 0 {
            origins.append(run.origin, count: min(run.count, left))
            left -= min(run.count, left)
        }
        origins.append(.prompt, count: ids.count - known)
        originRuns = origins
    }
}

/// `values` then `filler` up to `count` elements, in one allocation: the
/// values of a cached prefix, then those of the prompt tokens after it.
private func padded<Element>(_ values: some Collection<Element>, with filler: Element, toCount count: Int) -> [Element] {
    var result: [Element] = []
    result.reserveCapacity(count)
    appendCopying(values, to: &result)
    result.append(contentsOf: repeatElement(filler, count: count - result.count))
    return result
}
