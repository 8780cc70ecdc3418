/// An insert's input once checked: the tokens spell the text, and each token
/// knows where its bytes lie in it and which origin produced it.
struct Trajectory {
    let text: [UInt8]
    let tokens: [UInt32]
    let logprobs: [Double]
    let lossMask: [UInt8]
    /// The insert's version: what garbage collection goes by.
    let version: WeightVersion
    /// Where token `i`'s bytes start in `text`, plus one entry for the end.
    let textOffsets: [Int]
    /// The distinct origins of generated tokens, and for each token the
    /// index of its origin there (prompt tokens: `TokenOrigin.prompt`).
    let origins: [TokenOrigin]
    private let originIndices: [UInt32]
    /// Whether the caller named the origins. Without them, generated tokens
    /// agree with stored ones of any origin where their values agree, and
    /// new nodes take an unnamed generation of the insert's version.
    let namesOrigins: Bool
    /// How many of the last tokens are the generation's tail (see `TokenRun.isTail(at:)`).
    let tailCount: Int

    var count: Int { tokens.count }

    func textLength(at index: Int) -> Int { textOffsets[index + 1] - textOffsets[index] }

    /// The origin of token `index`: `TokenOrigin.prompt` for prompt tokens.
    func origin(at index: Int) -> TokenOrigin { origins[Int(originIndices[index])] }

    func isTail(at index: Int) -> Bool { index >= count - tailCount }

    /// Each token takes its vocabulary bytes when the text continues with
    /// them; otherwise it takes none if it may be omitted from text. The first
    /// rule wins, so a special token whose literal text is present is read as
    /// present.
    init(
        text: String, tokens: [UInt32], logprobs: [Double], lossMask: [UInt8],
        weightVersion: String, originRuns: [TokenOriginRun]? = nil, tailCount: Int = 0, vocabulary: any TokenBytes
    ) throws(RadixCacheError) {
        guard !tokens.isEmpty else { throw .emptyTrajectory }
        guard logprobs.count == tokens.count, lossMask.count == tokens.count else {
            throw .lengthMismatch(tokens: tokens.count, logprobs: logprobs.count, lossMask: lossMask.count)
        }
        if let index = tokens.firstIndex(where: { $0 > RadixCache.maxTokenID }) {
            throw .tokenIDTooLarge(index: index, token: tokens[index])
        }
        if let index = lossMask.firstIndex(where: { $0 > 1 }) {
            throw .invalidLossMask(index: index, value: lossMask[index])
        }
        // A tail is generated: tokens the client's text did not show.
        guard tailCount >= 0, tailCount <= tokens.count, !lossMask.suffix(tailCount).contains(0) else {
            throw .invalidTail(tailCount: tailCount, tokens: tokens.count)
        }
        let runs = originRuns ?? [TokenOriginRun(origin: TokenOrigin(generation: "", weightVersion: weightVersion), count: tokens.count)]
        let covered = runs.reduce(0) { $0 + $1.count }
        guard covered == tokens.count, runs.allSatisfy({ $0.count >= 0 }) else {
            throw .originsMismatch(covered: covered, tokens: tokens.count)
        }
        let bytes = Array(text.utf8)
        self.text = bytes
        self.tokens = tokens
        self.logprobs = logprobs
        self.lossMask = lossMask
        self.version = WeightVersion(weightVersion)
        self.tailCount = tailCount
        self.namesOrigins = originRuns != nil
        self.textOffsets = try Self.textOffsets(of: tokens, spelling: bytes, vocabulary: vocabulary)
        (origins, originIndices) = Self.index(runs, lossMask: lossMask)
    }

    /// The distinct origins of generated tokens, and each token's index among them.
    private static func index(_ runs: [TokenOriginRun], lossMask: [UInt8]) -> ([TokenOrigin], [UInt32]) {
        var origins = [TokenOrigin.prompt]
        var indices: [UInt32] = []
        indices.reserveCapacity(lossMask.count)
        for run in runs {
            let index =
                origins.firstIndex(of: run.origin)
                ?? {
                    origins.append(run.origin)
                    return origins.count - 1
                }()
            for position in indices.count..<indices.count + run.count {
                indices.append(lossMask[position] == 0 ? 0 : UInt32(index))
            }
        }
        return (origins, indices)
    }

    private static func textOffsets(
        of tokens: [UInt32], spelling text: [UInt8], vocabulary: any TokenBytes
    ) throws(RadixCacheError) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(tokens.count + 1)
        var cursor = 0
        for (index, token) in tokens.enumerated() {
            offsets.append(cursor)
            let spelled: Int? = text.withUnsafeBufferPointer { text in
                vocabulary.withBytes(of: token) { piece in
                    guard !piece.isEmpty, piece.count <= text.count - cursor else { return nil }
                    let shared = piece.withMemoryRebound(to: UInt8.self) {
                        commonPrefixLength($0.baseAddress!, text.baseAddress! + cursor, count: piece.count)
                    }
                    return shared == piece.count ? piece.count : nil
                }
            }
            guard let length = spelled ?? (vocabulary.mayBeOmittedFromText(token) ? 0 : nil) else {
                throw .tokenDoesNotSpellText(index: index, token: token, byteOffset: cursor)
            }
            cursor += length
        }
        guard cursor == text.count else { throw .textNotCovered(spelledBytes: cursor, textBytes: text.count) }
        offsets.append(cursor)
        return offsets
    }
}
