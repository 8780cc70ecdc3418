/// An immutable run of tokens and the text they spell, in one allocation:
///
///     entries: UInt32 × count | logprobs: UInt32 × count | text
///
/// Eight bytes per token plus its text. An entry packs a token id (below
/// `maxTokenID`, far above any vocabulary's size) under its `TokenFlags`.
/// Log-probabilities are usually float32 values widened to double, which a
/// `Float`'s bits hold exactly; any other double goes to `escapedLogprobs`
/// and its slot holds the index there, so every value comes back
/// bit-identical.
final class TokenRun: @unchecked Sendable { // immutable once built
    static let maxTokenID: UInt32 = (1 << 24) - 1

    static let empty = TokenRun(count: 0, text: UnsafeRawBufferPointer(start: nil, count: 0)) { _ in
        fatalError("an empty run has no entries")
    }

    let count: Int
    let textCount: Int
    let escapedLogprobs: [Double]
    private let storage: UnsafeMutableRawPointer

    private typealias Entry = (token: UInt32, logprob: Double, lossMask: UInt8, textLength: Int)

    private init(count: Int, text: UnsafeRawBufferPointer, entry: (Int) -> Entry) {
        self.count = count
        self.textCount = text.count
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, 8 * count + text.count), alignment: 4)
        let entries = storage.bindMemory(to: UInt32.self, capacity: 2 * count)
        var escapes: [Double] = []
        for index in 0..<count {
            let entry = entry(index)
            let narrow = Float(entry.logprob)
            let exact = Double(narrow).bitPattern == entry.logprob.bitPattern
            let flags = TokenFlags(lossMask: entry.lossMask, logprobEscaped: !exact, textLength: entry.textLength)
            entries[index] = UInt32(flags.rawValue) << 24 | entry.token
            entries[count + index] = exact ? narrow.bitPattern : UInt32(escapes.count)
            if !exact { escapes.append(entry.logprob) }
        }
        if !text.isEmpty { (storage + 8 * count).copyMemory(from: text.baseAddress!, byteCount: text.count) }
        self.storage = storage
        self.escapedLogprobs = escapes
    }

    deinit { storage.deallocate() }

    /// Tokens `range` of an insert's trajectory.
    static func make(from trajectory: Trajectory, range: Range<Int>) -> TokenRun {
        let textRange = trajectory.textOffsets[range.lowerBound]..<trajectory.textOffsets[range.upperBound]
        return trajectory.text.withUnsafeBytes { text in
            TokenRun(count: range.count, text: UnsafeRawBufferPointer(rebasing: text[textRange])) { index in
                let source = range.lowerBound + index
                return (trajectory.tokens[source], trajectory.logprobs[source], trajectory.lossMask[source],
                        trajectory.textLength(at: source))
            }
        }
    }

    /// A copy of tokens `range`, used when a node splits.
    func slice(_ range: Range<Int>, vocabulary: any TokenBytes) -> TokenRun {
        let textStart = textLength(ofTokens: 0..<range.lowerBound, vocabulary: vocabulary)
        let textEnd = textStart + textLength(ofTokens: range, vocabulary: vocabulary)
        let sliced = UnsafeBufferPointer(rebasing: text[textStart..<textEnd])
        return TokenRun(count: range.count, text: UnsafeRawBufferPointer(sliced)) { index in
            let source = range.lowerBound + index
            let flags = self.flags(at: source)
            return (token(at: source), logprob(at: source), flags.lossMask,
                    flags.textLength(of: token(at: source), vocabulary: vocabulary))
        }
    }

    var text: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: (storage + 8 * count).assumingMemoryBound(to: UInt8.self), count: textCount)
    }

    private var entries: UnsafePointer<UInt32> { UnsafePointer(storage.assumingMemoryBound(to: UInt32.self)) }

    private var logprobSlots: UnsafePointer<UInt32> { entries + count }

    func token(at index: Int) -> UInt32 { entries[index] & Self.maxTokenID }

    func flags(at index: Int) -> TokenFlags { TokenFlags(rawValue: UInt8(entries[index] >> 24)) }

    func logprob(at index: Int) -> Double {
        let slot = logprobSlots[index]
        return flags(at: index).isLogprobEscaped ? escapedLogprobs[Int(slot)] : Double(Float(bitPattern: slot))
    }

    // Bulk copies of the first `count` tokens' values, for building matches.

    func copyTokens(_ count: Int, to destination: UnsafeMutablePointer<UInt32>) {
        for index in 0..<count { destination[index] = entries[index] & Self.maxTokenID }
    }

    func copyLogprobs(_ count: Int, to destination: UnsafeMutablePointer<Double>) {
        guard escapedLogprobs.isEmpty else {
            for index in 0..<count { destination[index] = logprob(at: index) }
            return
        }
        for index in 0..<count { destination[index] = Double(Float(bitPattern: logprobSlots[index])) }
    }

    func copyLossMask(_ count: Int, to destination: UnsafeMutablePointer<UInt8>) {
        for index in 0..<count { destination[index] = UInt8(entries[index] >> 31) }
    }

    /// How many bytes of `text` the tokens in `range` spell.
    func textLength(ofTokens range: Range<Int>, vocabulary: any TokenBytes) -> Int {
        range.reduce(0) { $0 + flags(at: $1).textLength(of: token(at: $1), vocabulary: vocabulary) }
    }

    /// Whether tokens `0..<count` carry the same log-probabilities (bit for
    /// bit) and loss mask as the trajectory's tokens from `start` on.
    func hasSameValues(as trajectory: Trajectory, from start: Int) -> Bool {
        (0..<count).allSatisfy { index in
            logprob(at: index).bitPattern == trajectory.logprobs[start + index].bitPattern
                && flags(at: index).lossMask == trajectory.lossMask[start + index]
        }
    }

    /// Heap bytes: the object, its buffer, and any escaped log-probabilities.
    var allocatedBytes: Int {
        heapObjectBytes(properties: 3 * MemoryLayout<Int>.size + MemoryLayout<UnsafeMutableRawPointer>.size)
            + 8 * count + textCount + heapArrayBytes(escapedLogprobs)
    }
}
