/// A deterministic generation: the same prompt always yields the same
/// tokens, so tests can predict and compare.
struct Generation {
    let outputIDs: [Int]
    let logprobs: [Double]
    let finishedByStopToken: Bool

    init(promptIDs: [Int], maxNewTokens: Int, settings: MockSettings, codec: TokenCodec) {
        var state = promptIDs.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64(bitPattern: Int64($1))) &* 0x100_0000_01b3 }
        let alphabet = codec.generationAlphabet
        var ids: [Int] = []
        var logprobs: [Double] = []
        let count = max(0, maxNewTokens)
        for position in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let isLast = position == count - 1
            ids.append(settings.finishWithStopToken && isLast ? codec.endOfSequence : alphabet[Int(state >> 33) % alphabet.count])
            // float32 values widened to double, like SGLang's.
            logprobs.append(Double(-Float((state >> 40) % 4000) / 1000))
        }
        outputIDs = ids
        self.logprobs = logprobs
        finishedByStopToken = settings.finishWithStopToken && count > 0
    }
}
