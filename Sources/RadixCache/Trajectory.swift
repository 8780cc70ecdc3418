/// An insert's input, checked, and each token's origin. Whether the tokens
/// spell the text, and where each token's bytes lie in it, is found as the
/// insert walks the tree (see "Spelling" below): the prefix the tree holds
/// already is spelled by its nodes, and only the rest by the vocabulary.
struct Trajectory {
    let text: [UInt8]
    let tokens: [UInt32]
    let logprobs: [Double]
    let lossMask: [UInt8]
    /// The insert's version: what garbage collection goes by.
    let version: WeightVersion
    /// Where token `i`'s bytes start in `text`, for the tokens spelled so
    /// far, then where the next one starts.
    private(set) var textOffsets: [Int]
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

    /// The length of spelled token `index`'s bytes in the text.
    func textLength(at index: Int) -> Int { textOffsets[index + 1] - textOffsets[index] }

    /// The origin of token `index`: `TokenOrigin.prompt` for prompt tokens.
    func origin(at index: Int) -> TokenOrigin { origins[Int(originIndices[index])] }

    /// Whether generated token `index` comes from `origins[originIndex]`.
    func hasOrigin(at index: Int, _ originIndex: Int?) -> Bool { Int(originIndices[index]) == originIndex }

    func isTail(at index: Int) -> Bool { index >= count - tailCount }

    /// Checks what can be checked without the tree; the spelling is checked
    /// as the insert goes.
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
        var offsets = [0]
        offsets.reserveCapacity(tokens.count + 1)
        self.textOffsets = offsets
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

}

// MARK: Spelling

extension Trajectory {
    /// How many tokens are spelled so far.
    var spelledCount: Int { textOffsets.count - 1 }

    /// Where the next token to spell starts in the text.
    var spelledEnd: Int { textOffsets[textOffsets.count - 1] }

    /// Spells the tokens up to and including `index` by the vocabulary.
    /// Throws at the first that does not spell the text.
    mutating func spell(through index: Int, vocabulary: any TokenBytes) throws(RadixCacheError) {
        while spelledCount <= index {
            let next = spelledCount
            guard let length = vocabularyLength(ofNext: vocabulary) else {
                throw .tokenDoesNotSpellText(index: next, token: tokens[next], byteOffset: spelledEnd)
            }
            textOffsets.append(spelledEnd + length)
        }
    }

    /// Spells every token left and checks that they spell the whole text.
    mutating func spellRest(vocabulary: any TokenBytes) throws(RadixCacheError) {
        try spell(through: count - 1, vocabulary: vocabulary)
        try checkSpelledWhole()
    }

    /// Once every token is spelled: throws unless they spell the whole text.
    func checkSpelledWhole() throws(RadixCacheError) {
        guard spelledEnd == text.count else { throw .textNotCovered(spelledBytes: spelledEnd, textBytes: text.count) }
    }

    /// The next token's length in the text as the vocabulary spells it: it
    /// takes its vocabulary bytes when the text continues with them,
    /// otherwise none if it may be omitted from text; nil if neither. The
    /// first rule wins, so a special token whose literal text is present is
    /// read as present.
    func vocabularyLength(ofNext vocabulary: any TokenBytes) -> Int? {
        let token = tokens[spelledCount], cursor = spelledEnd
        let present: Int? = text.withUnsafeBufferPointer { text in
            vocabulary.withBytes(of: token) { piece in
                guard !piece.isEmpty, piece.count <= text.count - cursor else { return nil }
                let shared = piece.withMemoryRebound(to: UInt8.self) {
                    commonPrefixLength($0.baseAddress!, text.baseAddress! + cursor, count: piece.count)
                }
                return shared == piece.count ? piece.count : nil
            }
        }
        return present ?? (vocabulary.mayBeOmittedFromText(token) ? 0 : nil)
    }

    /// Spells the next token as taking `length` bytes, known without the
    /// vocabulary (a stored node spells the same token over the same bytes).
    mutating func spellNext(length: Int) {
        textOffsets.append(spelledEnd + length)
    }
}
