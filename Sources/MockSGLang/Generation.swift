/// A generation the fake worker makes up. By default deterministic: the same
/// prompt always yields the same tokens and log-probabilities, so tests can
/// predict and compare. With `MockSettings.independentSamples` each request
/// is a new sample, as with temperature > 0, and RL-shaped coincidences can
/// be forced (see `MockSettings`).
struct Generation {
    let outputIDs: [Int]
    let logprobs: [Double]
    let finishReason: FinishReason
    /// How many of the last ids are a matched stop string, which `text` leaves out.
    let stopStringTokens: Int

    enum FinishReason: Equatable {
        case length
        case stopToken(Int)
        case stopString(String)
    }

    /// `sample` tells samples of one prompt apart (0 for the deterministic default).
    init(
        promptIDs: [Int], maxNewTokens: Int, stop requested: String?, sample: UInt64, settings: MockSettings,
        codec: TokenCodec
    ) {
        let stop = settings.finishWithStopString ? requested : nil
        let promptSeed = promptIDs.reduce(UInt64(0xcbf2_9ce4_8422_2325)) {
            ($0 ^ UInt64(bitPattern: Int64($1))) &* 0x100_0000_01b3
        }
        var own = Lcg(state: promptSeed ^ sample &* 0x9E37_79B9_7F4A_7C15)
        var shared = Lcg(state: promptSeed)
        let alphabet = codec.generationAlphabet
        var ids: [Int] = []
        var logprobs: [Double] = []
        let stopIDs = stop.map(codec.encodePlain) ?? []
        let count = max(0, maxNewTokens - stopIDs.count)
        let endsWithStopToken = settings.finishWithStopToken && stop == nil && count > 0
        if settings.alternateSpellings, sample > 0 {
            // One text per prompt, spelled one letter per token by odd samples
            // and as the tokenizer would by even ones: same text, other ids.
            let letters = (0..<count).map { _ in alphabet[shared.next(below: alphabet.count)] }
            ids = sample % 2 == 1 ? letters : codec.encodePlain(codec.decode(letters))
        } else {
            for position in 0..<count {
                // The first `sharedPrefixTokens` are the prompt's, as samples often open alike.
                let isShared = position < settings.sharedPrefixTokens
                let draw = isShared ? shared.next(below: alphabet.count) : own.next(below: alphabet.count)
                if !isShared { _ = shared.next(below: 1) }
                ids.append(alphabet[draw])
            }
        }
        if endsWithStopToken { ids[ids.count - 1] = codec.endOfSequence }
        ids += stopIDs
        for _ in ids {
            // float32 values widened to double, like SGLang's; every sample its own.
            logprobs.append(Double(-Float(own.next(below: 4000)) / 1000))
        }
        outputIDs = ids
        self.logprobs = logprobs
        stopStringTokens = stopIDs.count
        finishReason =
            stop.map { stopIDs.isEmpty ? .length : .stopString($0) }
            ?? (endsWithStopToken ? .stopToken(codec.endOfSequence) : .length)
    }
}

/// A small linear congruential generator: reproducible, and cheap.
struct Lcg {
    var state: UInt64

    mutating func next(below bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(state >> 33) % max(bound, 1)
    }
}
