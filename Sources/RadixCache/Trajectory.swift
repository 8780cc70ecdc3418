/// An insert's input, checked, and each token's origin. Whether the tokens
/// spell the text, and where each token's bytes lie in it, is found as the
/// insert walks the tree (see "Spelling" below): the prefix the tree holds
/// already is spelled by its nodes, and only the rest by the vocabulary.
struct Trajectory {
    /// Contiguous UTF-8, read in place (see `withText`): no copy of it.
    private let text: String
    /// Its length in bytes.
    let textCount: Int
    let tokens: [UInt32]
    let logprobs: [Double]
    let lossMask: [UInt8]
    /// The insert's version: what garbage collection goes by.
    let version: WeightVersion
    /// Where token `i`'s bytes start in `text`, for `i` up to `spelledCount`
    /// (where the next token to spell starts) but inside a stored run spelled
    /// whole, which nothing reads (see `spell(wholeRun:)`); one entry per
    /// token and one for the end.
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

    func isTail(at index: Int) -> Bool { index >= tailStart }

    /// The first of the tail's tokens (`count` when there is no tail).
    var tailStart: Int { count - tailCount }

    /// Checks what can be checked without the tree; the spelling is checked
    /// as the insert goes. `spareOffsets`: an array an earlier insert is
    /// done with (empty if none), taken to hold `textOffsets` instead of
    /// allocating them.
    init(
        text: String, tokens: [UInt32], logprobs: [Double], lossMask: [UInt8],
        weightVersion: String, originRuns: [TokenOriginRun]? = nil, tailCount: Int = 0, spareOffsets: inout [Int]
    ) throws(RadixCacheError) {
        guard !tokens.isEmpty else { throw .emptyTrajectory }
        guard logprobs.count == tokens.count, lossMask.count == tokens.count else {
            throw .lengthMismatch(tokens: tokens.count, logprobs: logprobs.count, lossMask: lossMask.count)
        }
        if !Self.areInRange(tokens: tokens, lossMask: lossMask) {
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
        var text = text
        text.makeContiguousUTF8()
        self.text = text
        self.textCount = text.utf8.count
        self.tokens = tokens
        self.logprobs = logprobs
        self.lossMask = lossMask
        self.version = WeightVersion(weightVersion)
        self.tailCount = tailCount
        self.namesOrigins = originRuns != nil
        // Written as tokens are spelled, and read only where written.
        var offsets: [Int] = []
        swap(&offsets, &spareOffsets)
        if offsets.count <= tokens.count {
            offsets.append(contentsOf: repeatElement(0, count: tokens.count + 1 - offsets.count))
        }
        offsets[0] = 0
        self.textOffsets = offsets
        origins = TrajectoryOrigins(runs)
    }

    /// Calls `body` with the text's bytes (made contiguous by `init`).
    func withText<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        text.utf8.withContiguousStorageIfAvailable(body)!
    }

    /// Whether every id is at most `RadixCache.maxTokenID` and every loss
    /// mask at most 1: one pass over each, which vectorizes.
    private static func areInRange(tokens: [UInt32], lossMask: [UInt8]) -> Bool {
        let ids = tokens.withUnsafeBufferPointer { $0.reduce(0, |) }
        let masks = lossMask.withUnsafeBufferPointer { $0.reduce(0, |) }
        return ids & ~RadixCache.maxTokenID == 0 && masks <= 1
    }
}

// MARK: Spelling

extension Trajectory {
    /// Where the next token to spell starts in the text.
    var spelledEnd: Int { textOffsets[spelledCount] }

    /// Spells the tokens up to and including `index` by the vocabulary.
    /// Throws at the first that does not spell the text.
    mutating func spell(through index: Int, vocabulary: any TokenBytes) throws(RadixCacheError) {
        guard spelledCount <= index else { return }
        let first = spelledCount
        // `body` reads locals only: with `self` in it (a mutating method's),
        // `withText` would be called on a copy of the whole trajectory, and
        // writing the offsets would copy them too. So they are taken out.
        let tokens = tokens
        var offsets: [Int] = []
        swap(&offsets, &textOffsets)
        // The buffers opened once, not for each token: a new branch spells dozens.
        spelledCount = withText { text in
            tokens.withUnsafeBufferPointer { tokens in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    Self.spell(tokens, from: first, through: index, in: text, ends: offsets, vocabulary: vocabulary)
                }
            }
        }
        swap(&offsets, &textOffsets)
        guard spelledCount > index else {
            throw .tokenDoesNotSpellText(index: spelledCount, token: tokens[spelledCount], byteOffset: spelledEnd)
        }
    }

    /// Spells every token left and checks that they spell the whole text.
    mutating func spellRest(vocabulary: any TokenBytes) throws(RadixCacheError) {
        try spell(through: count - 1, vocabulary: vocabulary)
        try checkSpelledWhole()
    }

    /// Once every token is spelled: throws unless they spell the whole text.
    func checkSpelledWhole() throws(RadixCacheError) {
        guard spelledEnd == textCount else { throw .textNotCovered(spelledBytes: spelledEnd, textBytes: textCount) }
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

    /// Spells the rest of `run`'s tokens at once, the last token spelled
    /// being the run's first. For a plain run (`TokenRun.isPlain`) whose
    /// values and text the trajectory repeats whole, each of its tokens
    /// spells the same bytes as the run's does. Only the offset after the
    /// run is written: the insert goes on below the run and never reads
    /// those inside it.
    mutating func spell(wholeRun run: TokenRun) {
        let start = textOffsets[spelledCount - 1]
        spelledCount += run.count - 1
        textOffsets[spelledCount] = start + run.textCount
    }

    /// The next token's length in the text as the vocabulary spells it: it
    /// takes its vocabulary bytes when the text continues with them,
    /// otherwise none if it may be omitted from text; nil if neither. The
    /// first rule wins, so a special token whose literal text is present is
    /// read as present.
    private func vocabularyLength(ofNext vocabulary: any TokenBytes) -> Int? {
        withText { text in
            Self.vocabularyLength(
                of: tokens[spelledCount], at: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: text[spelledEnd...])),
                vocabulary: vocabulary)
        }
    }

    /// Spells `tokens` from `first` through `last` by the vocabulary, each
    /// starting in `text` where `ends` says the one before ended, and writes
    /// where each ends; returns the first it could not spell (`last + 1` when
    /// none). Generic: the vocabulary, an existential at the callers, is
    /// opened once for the loop rather than once a token.
    private static func spell<Vocabulary: TokenBytes>(
        _ tokens: UnsafeBufferPointer<UInt32>, from first: Int, through last: Int, in text: UnsafeBufferPointer<UInt8>,
        ends: UnsafeMutableBufferPointer<Int>, vocabulary: Vocabulary
    ) -> Int {
        var next = first
        while next <= last,
            let length = vocabularyLength(
                of: tokens[next], at: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: text[ends[next]...])),
                vocabulary: vocabulary)
        {
            ends[next + 1] = ends[next] + length
            next += 1
        }
        return next
    }

    /// `token`'s length where it comes at the start of `text` (see `vocabularyLength(ofNext:)`).
    private static func vocabularyLength<Vocabulary: TokenBytes>(
        of token: UInt32, at text: UnsafeRawBufferPointer, vocabulary: Vocabulary
    ) -> Int? {
        vocabulary.spelledLength(of: token, at: text) ?? (vocabulary.mayBeOmittedFromText(token) ? 0 : nil)
    }

    private mutating func spellNext(length: Int) {
        textOffsets[spelledCount + 1] = textOffsets[spelledCount] + length
        spelledCount += 1
    }
}
