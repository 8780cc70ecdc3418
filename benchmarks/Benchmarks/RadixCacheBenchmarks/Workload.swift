import RadixCache

/// A synthetic vocabulary: 30,000 distinct words of 1 to 4 letters after a
/// space (4.4 bytes a token on average, like Qwen's BPE on English prose,
/// with the leading space most BPE tokens have) plus every single byte,
/// stored flat as a real tokenizer's would be.
struct WordVocabulary: TokenBytes {
    static let singleBytes = 256

    private let bytes: [UInt8]
    private let offsets: [Int]

    init(wordCount: Int, random: inout some RandomNumberGenerator) {
        var bytes = (0...255).map(UInt8.init)
        var offsets = Array(0...256)
        var words = Set<[UInt8]>()
        while words.count < wordCount {
            let word =
                [UInt8(ascii: " ")]
                + (0..<Int.random(in: 1...4, using: &random)).map { _ in
                    UInt8.random(in: 97...122, using: &random)
                }
            guard words.insert(word).inserted else { continue }
            bytes += word
            offsets.append(bytes.count)
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    var count: Int { offsets.count - 1 }

    func withBytes<Result>(of token: UInt32, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let index = Int(token)
        guard index < count else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[offsets[index]..<offsets[index + 1]])) }
    }

    func word(_ token: UInt32) -> [UInt8] { Array(bytes[offsets[Int(token)]..<offsets[Int(token) + 1]]) }
}

/// A growing conversation: its text, tokens and per-token values so far,
/// each turn's tokens named by a generation of its own with a request id
/// as SGLang makes them (32 hex digits), as the router stores them.
struct Trajectory {
    var text: [UInt8] = []
    var tokens: [UInt32] = []
    var logprobs: [Double] = []
    var lossMask: [UInt8] = []
    var originRuns: [TokenOriginRun] = []

    var string: String { String(decoding: text, as: UTF8.self) }

    /// Appends words until the text has grown by about `bytes`: one turn
    /// of a generation (a prompt's text when `generated` is false).
    mutating func extend(
        by bytes: Int, generated: Bool = true, vocabulary: WordVocabulary,
        random: inout some RandomNumberGenerator
    ) {
        let start = tokens.count
        defer {
            let rid = (0..<32).map { _ in String(Int.random(in: 0..<16, using: &random), radix: 16) }.joined()
            originRuns.append(generated ? TokenOrigin(generation: rid, weightVersion: "1") : .prompt, count: tokens.count - start)
        }
        let target = text.count + bytes
        while text.count < target {
            let token = UInt32(Int.random(in: WordVocabulary.singleBytes..<vocabulary.count, using: &random))
            tokens.append(token)
            text += vocabulary.word(token)
            logprobs.append(Double(Float(-Double.random(in: 0..<10, using: &random))))
            lossMask.append(UInt8(tokens.count % 2))
        }
    }

    func insert(into cache: RadixCache, version: Int) throws {
        try cache.insert(
            text: string, tokens: tokens, logprobs: logprobs, lossMask: lossMask, weightVersion: String(version),
            originRuns: originRuns)
    }
}

/// Multi-turn conversations as RL rollouts make them: a shared system
/// prompt, then `turns` turns of `turnBytes` each. `turns[t][c]` is
/// conversation c after turn t; every one of them is inserted in turn.
struct Conversations {
    let vocabulary: WordVocabulary
    let turns: [[Trajectory]]

    init(count: Int, turns turnCount: Int, turnBytes: Int, seed: UInt64 = 1) {
        var random = SeededGenerator(seed: seed)
        let vocabulary = WordVocabulary(wordCount: 30_000, random: &random)
        var systemPrompt = Trajectory()
        systemPrompt.extend(by: 300, generated: false, vocabulary: vocabulary, random: &random)
        var current = Array(repeating: systemPrompt, count: count)
        var turns: [[Trajectory]] = []
        for _ in 0..<turnCount {
            for index in current.indices { current[index].extend(by: turnBytes, vocabulary: vocabulary, random: &random) }
            turns.append(current)
        }
        self.vocabulary = vocabulary
        self.turns = turns
    }

    var final: [Trajectory] { turns.last! }

    /// A cache holding every turn of every conversation.
    func filledCache(configuration: RadixCache.Configuration = .init(maxTokens: 1 << 40, maxBytes: 1 << 40)) throws -> RadixCache {
        let cache = RadixCache(configuration: configuration, tokenBytes: vocabulary)
        for (turn, trajectories) in turns.enumerated() {
            for trajectory in trajectories { try trajectory.insert(into: cache, version: turn) }
        }
        return cache
    }

    /// One more turn for each conversation, `rounds` times over: new trajectories to insert.
    func nextTurns(rounds: Int, turnBytes: Int, seed: UInt64 = 2) -> [Trajectory] {
        var random = SeededGenerator(seed: seed)
        return (0..<rounds).flatMap { _ in
            final.map { trajectory in
                var next = trajectory
                next.extend(by: turnBytes, vocabulary: vocabulary, random: &random)
                return next
            }
        }
    }
}
