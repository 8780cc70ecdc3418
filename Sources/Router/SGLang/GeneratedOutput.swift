import JSON

/// What a worker generated for one prompt, read from its answer.
struct GeneratedOutput: Sendable {
    let ids: [UInt32]
    let logprobs: [Double]
    let weightVersion: String
    /// The answer's `text`: what the client got (SGLang leaves out the stop
    /// token and a matched stop string). Nil when the answer had none.
    let text: String?
    /// The worker's name for the generation (`meta_info.id`).
    let workerID: String?

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
                let logprob = entry.arrayValue?.first?.doubleValue
            else { return nil }
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
        text = answer["text"]?.stringValue
        workerID = meta["id"]?.stringValue
    }
}
