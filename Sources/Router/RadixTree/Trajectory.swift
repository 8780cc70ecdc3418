import JSON
import RadixCache
import Tokenizer

/// The prompt half of a trajectory: what the worker was sent, with the
/// values the cache already knew for its cached part (fresh prompt tokens:
/// log-probability 0.0, mask 0).
struct PromptRecord: Sendable {
    let text: String
    let ids: [UInt32]
    let logprobs: [Double]
    let lossMask: [UInt8]

    init(_ prompt: EncodedPrompt) {
        text = prompt.text
        ids = prompt.ids
        logprobs = padded(prompt.match.logprobs, with: 0.0, toCount: prompt.ids.count)
        lossMask = padded(prompt.match.lossMask, with: 0, toCount: prompt.ids.count)
    }

    /// A prompt given as ids: stored under its decoded text (special tokens
    /// spelled out, but for a leading BOS, which texts never show), keeping
    /// the values of a cached prefix when its ids agree.
    init?(ids: [UInt32], tokenizer: Tokenizer, cache: RadixCache) {
        let spelled = ids.first == tokenizer.bosToken ? ids.dropFirst() : ids[...]
        var bytes: [UInt8] = []
        for id in spelled { tokenizer.withBytes(of: id) { bytes += $0 } }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let match = cache.match(text)
        let known = match.tokenCount <= ids.count && ids.starts(with: match.tokens) ? match.tokenCount : 0
        self.text = text
        self.ids = ids
        logprobs = padded(match.logprobs.prefix(known), with: 0.0, toCount: ids.count)
        lossMask = padded(match.lossMask.prefix(known), with: 0, toCount: ids.count)
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

/// What a worker generated for one prompt, read from its answer.
struct GeneratedOutput: Sendable {
    let ids: [UInt32]
    let logprobs: [Double]
    let weightVersion: String

    /// Nil for answers that must not be cached: aborted, unfinished, or
    /// without one log-probability per generated token.
    init?(_ answer: JSONValue) {
        guard let meta = answer["meta_info"], let reason = meta["finish_reason"], !reason.isNull,
              reason["type"]?.stringValue != "abort",
              let outputIDs = answer["output_ids"]?.arrayValue,
              let entries = meta["output_token_logprobs"]?.arrayValue, entries.count == outputIDs.count
        else { return nil }
        var ids: [UInt32] = [], logprobs: [Double] = []
        for (id, entry) in zip(outputIDs, entries) {
            guard let token = id.intValue.flatMap(UInt32.init(exactly:)),
                  let logprob = entry.arrayValue?.first?.doubleValue else { return nil }
            ids.append(token)
            logprobs.append(logprob)
        }
        self.ids = ids
        self.logprobs = logprobs
        // SGLang sends a string; accept a bare number too.
        switch meta["weight_version"] {
        case .string(let version)?: weightVersion = version
        case .number(let text)?: weightVersion = text
        default: weightVersion = "default"
        }
    }
}

/// Stores prompt + generated output as one trajectory.
///
/// The key text is the prompt followed by the generated tokens' own bytes,
/// special tokens spelled out (a chat template that writes `<|im_end|>`
/// after the answer then matches the generated stop token itself). Output
/// that ends inside a character is cut back to the last whole character.
enum TrajectoryStore {
    static func insert(prompt: PromptRecord, output: GeneratedOutput, tokenizer: Tokenizer,
                       cache: RadixCache) throws(RadixCacheError) -> String {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for id in output.ids {
            tokenizer.withBytes(of: id) { bytes += $0 }
            ends.append(bytes.count)
        }
        let valid = validUTF8PrefixLength(bytes)
        let kept = ends.prefix { $0 <= valid }.count
        let text = prompt.text + String(decoding: bytes[..<(kept > 0 ? ends[kept - 1] : 0)], as: UTF8.self)
        try cache.insert(
            text: text,
            tokens: prompt.ids + output.ids.prefix(kept),
            logprobs: prompt.logprobs + output.logprobs.prefix(kept),
            lossMask: prompt.lossMask + repeatElement(1, count: kept),
            weightVersion: output.weightVersion)
        return text
    }
}

/// The length of the longest prefix of `bytes` that is valid UTF-8.
func validUTF8PrefixLength(_ bytes: [UInt8]) -> Int {
    if String(validating: bytes, as: UTF8.self) != nil { return bytes.count }
    var index = 0
    while index < bytes.count {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: length = 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return index
        }
        guard index + length <= bytes.count,
              String(validating: bytes[index..<index + length], as: UTF8.self) != nil else { return index }
        index += length
    }
    return index
}
