// The radix-cache fuzz target links this file with TestSupport's generator beside it.
#if canImport(TestSupport)
    import TestSupport
#endif
@testable import RadixCache

extension TrajectoryGenerator where Random == SeededGenerator {
    init(seed: UInt64) { self.init(random: SeededGenerator(seed: seed)) }
}

/// Random multi-turn trajectories that share prefixes, tokenize shared text
/// differently, part inside multi-byte characters and inside tokens,
/// sometimes carry a stop token the text omits, repeat a prefix's tokens
/// with other values (samples of one prompt), and end with a tail.
struct TrajectoryGenerator<Random: RandomNumberGenerator> {
    /// Characters chosen so texts often part inside one: é è ê share their
    /// first byte, 中 丹 share two, and the vocabulary has pieces of both.
    static var alphabet: [String] { ["a", "b", " ", "l", "o", "H", "é", "è", "ê", "中", "丹", "文", "Hello", " world", "<think>"] }
    static var versions: [String] { ["default", "1", "2", "3", "9", "10", "11", "12"] }
    /// Few names, so that some trajectories share one.
    static var generations: [String] { ["g0", "g1", "g2", "g3", "g4", "g5"] }

    var vocabulary: TestVocabulary { .shared }
    var random: Random

    init(random: Random) { self.random = random }

    mutating func randomText(pieces: ClosedRange<Int>) -> String {
        (0..<Int.random(in: pieces, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! }.joined()
    }

    /// A new trajectory: fresh, or a continuation or variation of one stored.
    mutating func next(after stored: [ReferenceModel.Stored]) -> ReferenceModel.Stored {
        guard let base = stored.randomElement(using: &random), Int.random(in: 0..<5, using: &random) > 0 else {
            return tokenize(text: randomText(pieces: 1...12), reusing: nil)
        }
        let baseText = String(decoding: base.text, as: UTF8.self)
        let kept = Int.random(in: 0...baseText.count, using: &random)
        let text = String(baseText.prefix(kept)) + randomText(pieces: 0...8)
        return tokenize(text: text.isEmpty ? "a" : text, reusing: Bool.random(using: &random) ? base : nil)
    }

    /// Tokenizes `text` at random, first taking `reusing`'s tokens as far as
    /// they spell it (with its values, mostly).
    private mutating func tokenize(text: String, reusing base: ReferenceModel.Stored?) -> ReferenceModel.Stored {
        let bytes = Array(text.utf8)
        let version = Self.versions.randomElement(using: &random)!
        let origin = TokenOrigin(generation: Self.generations.randomElement(using: &random)!, weightVersion: version)
        var tokens: [UInt32] = [], lengths: [Int] = [], logprobs: [Double] = [], lossMask: [UInt8] = []
        var origins: [TokenOrigin] = []
        var cursor = 0
        if let base {
            let copyValues = Int.random(in: 0..<5, using: &random) > 0
            for index in base.tokens.indices {
                let end = cursor + base.lengths[index]
                guard end <= bytes.count, base.text[cursor..<end].elementsEqual(bytes[cursor..<end]) else { break }
                tokens.append(base.tokens[index])
                lengths.append(base.lengths[index])
                logprobs.append(copyValues ? nearlyTheSame(base.logprobs[index]) : randomLogprob())
                lossMask.append(copyValues ? base.lossMask[index] : UInt8.random(in: 0...1, using: &random))
                origins.append(copyValues ? base.origins[index] : lossMask.last == 1 ? origin : .prompt)
                cursor = end
            }
        }
        while cursor <= bytes.count {
            if Int.random(in: 0..<12, using: &random) == 0 {
                tokens.append(vocabulary.endOfTurn)
                lengths.append(0)
            } else if cursor == bytes.count {
                break
            } else {
                let token = vocabulary.candidates(in: bytes, at: cursor).randomElement(using: &random)!
                tokens.append(token)
                lengths.append(vocabulary.bytes(of: token).count)
                cursor += lengths.last!
            }
            logprobs.append(randomLogprob())
            lossMask.append(UInt8.random(in: 0...1, using: &random))
            origins.append(lossMask.last == 1 ? origin : .prompt)
        }
        if tokens.isEmpty {
            tokens = [vocabulary.endOfTurn]
            lengths = [0]
            logprobs = [randomLogprob()]
            lossMask = [1]
            origins = [origin]
        }
        return ReferenceModel.Stored(
            text: bytes, tokens: tokens, lengths: lengths, logprobs: logprobs, lossMask: lossMask,
            version: version, origins: origins, tailCount: randomTailCount(lossMask: lossMask))
    }

    /// Half the time, some of the trailing generated tokens (never all tokens).
    private mutating func randomTailCount(lossMask: [UInt8]) -> Int {
        let generated = lossMask.reversed().prefix { $0 == 1 }.count
        let most = min(generated, lossMask.count - 1, 3)
        guard most > 0, Bool.random(using: &random) else { return 0 }
        return Int.random(in: 1...most, using: &random)
    }

    /// Mostly `value` itself; sometimes one that differs from it by less
    /// than a `Float` tells apart (one double ulp, the other zero): a
    /// sample whose values differ from a stored one's only just.
    private mutating func nearlyTheSame(_ value: Double) -> Double {
        guard Int.random(in: 0..<16, using: &random) == 0 else { return value }
        return value == 0 ? -value : value.nextUp
    }

    /// Usually a float32 widened to double, as SGLang sends; sometimes not.
    private mutating func randomLogprob() -> Double {
        let value = -Double.random(in: 0..<20, using: &random)
        return Bool.random(using: &random) ? Double(Float(value)) : value
    }

    /// Texts to look up: stored texts, their prefixes and variations.
    mutating func query(from stored: [ReferenceModel.Stored]) -> String {
        let text = String(decoding: stored.randomElement(using: &random)!.text, as: UTF8.self)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return text
        case 1: return String(text.prefix(Int.random(in: 0...text.count, using: &random)))
        case 2: return text + randomText(pieces: 1...3)
        default: return String(text.prefix(Int.random(in: 0...text.count, using: &random))) + randomText(pieces: 1...4)
        }
    }
}
