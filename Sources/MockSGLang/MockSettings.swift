/// The fake worker's behaviour, set from the command line and changeable at
/// run time through `POST /mock/config` so tests can inject faults.
struct MockSettings {
    /// Delay before each generated token (and before a non-streamed answer,
    /// once per token), milliseconds.
    var latencyPerTokenMilliseconds: Double = 0
    /// Tokens generated when the request does not say (`max_new_tokens`).
    var defaultMaxNewTokens = 16
    /// `length` (stop at max_new_tokens) or `stop` (end with the EOS token,
    /// which the text does not show).
    var finishWithStopToken = false
    /// End a generation whose request has `sampling_params.stop` with the
    /// first stop string (finish_reason stop, `matched` the string, trimmed
    /// from `text`), as if the model had generated it.
    var finishWithStopString = false
    var weightVersion = "default"
    /// Each request a new sample of its prompt (temperature > 0), rather
    /// than the prompt's one deterministic generation.
    var independentSamples = false
    /// With independent samples: the first N generated ids are the prompt's
    /// own, the same in every sample (their log-probabilities still differ),
    /// as GRPO samples often open alike.
    var sharedPrefixTokens = 0
    /// With independent samples: every sample of a prompt has the same
    /// text, spelled one letter per token by odd samples and as the
    /// tokenizer would by even ones (same text, other ids).
    var alternateSpellings = false
    /// Probabilities of faults on `/generate`.
    var abortRate = 0.0
    var errorRate = 0.0
    var dropRate = 0.0
    /// The next N `/generate` requests abort / fail with 500 / lose their connection.
    var abortNext = 0
    var errorNext = 0
    var dropNext = 0
    /// When true, `/health` answers 503.
    var failHealth = false
    /// Members added to every answer's `meta_info` exactly as spelled here
    /// (`"routed_experts": [...], "custom": ...`), for pass-through tests.
    var metaInfoExtra: [UInt8] = []

    enum Fault { case abort, error, drop }

    /// Decides the fault (if any) for the next generate request.
    mutating func nextFault() -> Fault? {
        if dropNext > 0 { dropNext -= 1; return .drop }
        if errorNext > 0 { errorNext -= 1; return .error }
        if abortNext > 0 { abortNext -= 1; return .abort }
        if dropRate > 0, Double.random(in: 0..<1) < dropRate { return .drop }
        if errorRate > 0, Double.random(in: 0..<1) < errorRate { return .error }
        if abortRate > 0, Double.random(in: 0..<1) < abortRate { return .abort }
        return nil
    }
}
