/// An insert's input, checked, and each token's origin. Whether the tokens
/// spell the text, and where each token's bytes lie in it, is found as the
/// insert walks the tree (see "Spelling" below): the prefix the tree holds
/// already is spelled by its nodes, and only the rest by the vocabulary.
struct Trajectory {
    let text: [UInt8]
    let tokens: [UInt32]
    let logprobs: [Double]
    let lossMask: [UInt8]
    /// Each token's id, loss mask and whether its log-probability needs an
    /// escape, where a run's entry holds them (`TokenRun.valueBits`), and its
    /// log-probability narrowed to a `Float`: what the insert compares with
    /// stored tokens, several at a time (see `TokenRun.valuesAgreeingCount`).
    let valueKeys: [UInt32]
    let narrowLogprobs: [UInt32]
    /// The insert's version: what garbage collection goes by.
    let version: WeightVersion
    /// Where token `i`'s bytes start in `text`, for `i` up to `spelledCount`
    /// (where the next token to spell starts); one entry per token and one
    /// for the end.
    private(set) var textOffsets: [Int]
    /// How many tokens are spelled so far.
    private(set) var spelledCount = 0
    /// Who produced the generated tokens.
    let origins: TrajectoryOrigins
    /// Whether the caller named the origins. Without them, generated tokens
    /// agree with stored ones of any origin where their values agree, and
    /// new nodes take an unnamed generation of the insert's version.
    let namesOrigins: Bool
    /// How many of the last tokens are the generation's tail (see `TokenRun.isTail(at:)`).
    let tailCount: Int

    var count: Int { tokens.count }

    /// The length of spelled token `index`'s bytes in the text.
    func textLength(at index: Int) -> Int { textOffsets[index + 1] - textOffsets[index] }

    /// How many of the `count` tokens from `position` on are prompt tokens
    /// or come from `origins.distinct[originIndex]` (nil: from none): those
    /// a node of that origin can hold. All of them when the trajectory
    /// names no origins.
    func originsAgreeingCount(from position: Int, count: Int, with originIndex: Int?) -> Int {
        guard namesOrigins, count > 0 else { return count }
        return lossMask.withUnsafeBufferPointer {
            origins.agreeingCount(from: position, count: count, with: originIndex, lossMask: $0.baseAddress!)
        }
    }

    /// The tokens from `position` on in stretches of one origin (see `TrajectoryOrigins.stretches`).
    func originStretches(from position: Int) -> [(range: Range<Int>, origin: TokenOrigin)] {
        lossMask.withUnsafeBufferPointer { origins.stretches(from: position, to: count, lossMask: $0.baseAddress!) }
    }

    func isTail(at index: Int) -> Bool { index >= count - tailCount }

    /// Checks what can be checked without the tree; the spelling is checked
    /// as the insert goes.
    init(
        text: String, tokens: [UInt32], logprobs: [Double], lossMask: [UInt8],
        weightVersion: String, originRuns: [TokenOriginRun]? = nil, tailCount: Int = 0
    ) throws(RadixCacheError) {
        guard !tokens.isEmpty else { throw .emptyTrajectory }
        guard logprobs.count == tokens.count, lossMask.count == tokens.count else {
            throw .lengthMismatch(tokens: tokens.count, logprobs: logprobs.count, lossMask: lossMask.count)
        }
        var isValid = true
        (valueKeys, narrowLogprobs) = Self.valueKeys(tokens: tokens, logprobs: logprobs, lossMask: lossMask, isValid: &isValid)
        if !isValid {
            if let index = tokens.firstIndex(where: { $0 > RadixCache.maxTokenID }) {
                throw .tokenIDTooLarge(index: index, token: tokens[index])
            }
            if let index = lossMask.firstIndex(where: { $0 > 1 }) {
                throw .invalidLossMask(index: index, value: lossMask[index])
            }
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
        // Written as tokens are spelled, and read only up to `spelledCount`.
        self.textOffsets = [Int](unsafeUninitializedCapacity: tokens.count + 1) { offsets, initialized in
            offsets[0] = 0
            initialized = tokens.count + 1
        }
        origins = TrajectoryOrigins(runs)
    }

    /// Each token's value key and narrowed log-probability (see
    /// `valueKeys`), in one pass that also checks ids and loss mask:
    /// `isValid` is false if an id is above `RadixCache.maxTokenID` or a
    /// loss mask above 1.
    private static func valueKeys(
        tokens: [UInt32], logprobs: [Double], lossMask: [UInt8], isValid: inout Bool
    ) -> ([UInt32], [UInt32]) {
        let count = tokens.count
        var outOfRange: UInt32 = 0
        var narrowed: [UInt32] = []
        let keys = [UInt32](unsafeUninitializedCapacity: count) { keys, initialized in
            narrowed = [UInt32](unsafeUninitializedCapacity: count) { narrowed, narrowedCount in
                tokens.withUnsafeBufferPointer { tokens in
                    logprobs.withUnsafeBufferPointer { logprobs in
                        lossMask.withUnsafeBufferPointer { lossMask in
                            for index in 0..<count {
                                let logprob = logprobs[index], narrow = Float(logprob)
                                let escaped: UInt32 = Double(narrow).bitPattern == logprob.bitPattern ? 0 : 1
                                let mask = UInt32(lossMask[index]), token = tokens[index]
                                outOfRange |= token & ~RadixCache.maxTokenID | mask & ~1
                                keys[index] = mask << 31 | escaped << 30 | token
                                narrowed[index] = narrow.bitPattern
                            }
                        }
                    }
                }
                narrowedCount = count
            }
            initialized = count
        }
        isValid = outOfRange == 0
        return (keys, narrowed)
    }
}

// MARK: Spelling

extension Trajectory {
    /// Where the next token to spell starts in the text.
    var spelledEnd: Int { textOffsets[spelledCount] }

    /// Spells the tokens up to and including `index` by the vocabulary.
    /// Throws at the first that does not spell the text.
    mutating func spell(through index: Int, vocabulary: any TokenBytes) throws(RadixCacheError) {
        while spelledCount <= index {
            guard let length = vocabularyLength(ofNext: vocabulary) else {
                throw .tokenDoesNotSpellText(index: spelledCount, token: tokens[spelledCount], byteOffset: spelledEnd)
            }
            spellNext(length: length)
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

    /// Spells the next tokens as `run`'s tokens from `index` on (at most
    /// `limit`, all with the same ids) spell the run's text, as far as the
    /// trajectory's text has the same bytes: the run's first `sameBytes`
    /// bytes. Token `index` starts `runOffset` bytes into the run's text.
    /// Returns how many tokens it spelled.
    ///
    /// A token the run holds in the text spells the same bytes in the
    /// trajectory's where the texts agree (the vocabulary's rule reads it as
    /// present), so only a token the run omits from the text asks the
    /// vocabulary: the trajectory's text may spell it where the run's did not.
    mutating func spell(
        as run: TokenRun, from index: Int, limit: Int, runOffset: Int, sameBytes: Int, vocabulary: any TokenBytes
    ) -> Int {
        var spelled = 0, runOffset = runOffset
        while spelled < limit {
            let first = spelledCount
            let ordinary = textOffsets.withUnsafeMutableBufferPointer { offsets in
                run.writeTextEnds(
                    from: index + spelled, limit: limit - spelled, runOffset: runOffset, runBytes: sameBytes,
                    into: offsets.baseAddress! + first)
            }
            spelledCount += ordinary
            spelled += ordinary
            runOffset += textOffsets[spelledCount] - textOffsets[first]
            guard spelled < limit else { break }
            // A token omitted from the run's text, a long one, or one past `sameBytes`.
            let length = run.flags(at: index + spelled).textLength(of: run.token(at: index + spelled), vocabulary: vocabulary)
            let alike = length > 0 ? runOffset + length <= sameBytes : vocabularyLength(ofNext: vocabulary) == 0
            guard alike else { break }
            spellNext(length: length)
            spelled += 1
            runOffset += length
        }
        return spelled
    }

    /// The next token's length in the text as the vocabulary spells it: it
    /// takes its vocabulary bytes when the text continues with them,
    /// otherwise none if it may be omitted from text; nil if neither. The
    /// first rule wins, so a special token whose literal text is present is
    /// read as present.
    private func vocabularyLength(ofNext vocabulary: any TokenBytes) -> Int? {
        let token = tokens[spelledCount], cursor = spelledEnd
        let present = text.withUnsafeBytes { text in
            vocabulary.spelledLength(of: token, at: UnsafeRawBufferPointer(rebasing: text[cursor...]))
        }
        return present ?? (vocabulary.mayBeOmittedFromText(token) ? 0 : nil)
    }

    private mutating func spellNext(length: Int) {
        textOffsets[spelledCount + 1] = textOffsets[spelledCount] + length
        spelledCount += 1
    }
}
