/// An immutable run of tokens and the text they spell, in one allocation
/// with the run's counts:
///
///     header | text, padded to 4 bytes | entries: UInt32 × count | logprobs: UInt32 × count
///
/// The text comes first so that a reader finds its address without
/// waiting for the header's counts: reaching a node's run, it loads both at once.
///
/// Eight bytes per token plus its text. An entry packs a token id (below
/// `maxTokenID`, far above any vocabulary's size) under its `TokenFlags`,
/// with one more bit between them: the token is part of its generation's
/// tail (see `isTail(at:)`).
/// Log-probabilities are usually float32 values widened to double, which a
/// `Float`'s bits hold exactly; any other double goes to `escapedLogprobs`
/// and its slot holds the index there, so every value comes back
/// bit-identical.
struct TokenRun: @unchecked Sendable {  // its buffer is immutable once built
    static let maxTokenID: UInt32 = (1 << 23) - 1
    private static let tailBit: UInt32 = 1 << 23
    /// The bits of an entry that hold the token's loss mask and id (see `TokenFlags`).
    private static let maskAndID: UInt32 = 0x8000_0000 | maxTokenID

    static let empty = build(count: 0, text: UnsafeRawBufferPointer(start: nil, count: 0)) { _ in
        fatalError("an empty run has no entries")
    }

    private typealias Entry = (token: UInt32, logprob: Double, lossMask: UInt8, textLength: Int, isTail: Bool)

    private typealias Buffer = ManagedBuffer<TokenRunHeader, UInt32>

    private let buffer: Buffer

    private static func build(count: Int, text: UnsafeRawBufferPointer, entry: (Int) -> Entry) -> TokenRun {
        precondition(text.count <= UInt32.max, "a run's text is limited to 4 GiB")  // see `Node.textCount`
        var escapes: [Double] = []
        var plain = true, generated = false
        let buffer = Buffer.create(minimumCapacity: textWords(text.count) + 2 * count) { buffer in
            buffer.withUnsafeMutablePointerToElements { elements in
                if !text.isEmpty {
                    UnsafeMutableRawPointer(elements).copyMemory(from: text.baseAddress!, byteCount: text.count)
                }
                let entries = elements + textWords(text.count)
                for index in 0..<count {
                    let entry = entry(index)
                    plain = plain && entry.textLength > 0 && entry.textLength < TokenFlags.longLength
                    generated = generated || entry.lossMask != 0
                    let narrow = Float(entry.logprob)
                    let exact = Double(narrow).bitPattern == entry.logprob.bitPattern
                    let flags = TokenFlags(
                        lossMask: entry.lossMask, logprobEscaped: !exact, textLength: entry.textLength)
                    entries[index] = UInt32(flags.rawValue) << 24 | (entry.isTail ? tailBit : 0) | entry.token
                    entries[count + index] = exact ? narrow.bitPattern : UInt32(escapes.count)
                    if !exact { escapes.append(entry.logprob) }
                }
            }
            return TokenRunHeader(
                count: UInt32(count), textCount: UInt32(text.count), escapedLogprobs: escapes, isPlain: plain,
                hasGeneratedTokens: generated)
        }
        return TokenRun(buffer: buffer)
    }

    /// The 4-byte elements `textCount` bytes of text take.
    private static func textWords(_ textCount: Int) -> Int { (textCount + 3) / 4 }

    var count: Int { buffer.withUnsafeMutablePointerToHeader { Int($0.pointee.count) } }
    var textCount: Int { buffer.withUnsafeMutablePointerToHeader { Int($0.pointee.textCount) } }
    /// Whether every token is in the text with its length in its flags:
    /// none omitted, none long. Where a trajectory repeats the whole run
    /// and its text, its tokens then spell that text as the run's do,
    /// token for token, and an insert spells them at once (see
    /// `Trajectory.spell(wholeRun:)`).
    var isPlain: Bool { buffer.withUnsafeMutablePointerToHeader { $0.pointee.isPlain } }
    /// Whether any token is generated (loss mask 1). Without one, a token
    /// with the same values as a trajectory's is a prompt token there too,
    /// which agrees with any origin (see `Node.agreeingCount`).
    var hasGeneratedTokens: Bool { buffer.withUnsafeMutablePointerToHeader { $0.pointee.hasGeneratedTokens } }
    private var escapedLogprobs: [Double] { buffer.withUnsafeMutablePointerToHeader { $0.pointee.escapedLogprobs } }
    private var hasEscapedLogprobs: Bool {
        buffer.withUnsafeMutablePointerToHeader { !$0.pointee.escapedLogprobs.isEmpty }
    }

    /// Tokens `range` of an insert's trajectory.
    static func make(from trajectory: Trajectory, range: Range<Int>) -> TokenRun {
        let textRange = trajectory.textOffsets[range.lowerBound]..<trajectory.textOffsets[range.upperBound]
        let tailStart = trajectory.tailStart
        // Its arrays opened here, for `entry` to capture instead of the
        // trajectory (which the insert would then copy whole for it).
        return trajectory.withText { text in
            trajectory.tokens.withUnsafeBufferPointer { tokens in
                trajectory.logprobs.withUnsafeBufferPointer { logprobs in
                    trajectory.lossMask.withUnsafeBufferPointer { lossMask in
                        trajectory.textOffsets.withUnsafeBufferPointer { offsets in
                            let runText = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: text[textRange]))
                            return build(count: range.count, text: runText) { index in
                                let source = range.lowerBound + index
                                return (
                                    tokens[source], logprobs[source], lossMask[source],
                                    offsets[source + 1] - offsets[source], source >= tailStart
                                )
                            }
                        }
                    }
                }
            }
        }
    }

    /// A copy of tokens `range`, used when a node splits.
    func slice(_ range: Range<Int>, vocabulary: any TokenBytes) -> TokenRun {
        let textStart = textLength(ofTokens: 0..<range.lowerBound, vocabulary: vocabulary)
        let textEnd = textStart + textLength(ofTokens: range, vocabulary: vocabulary)
        let sliced = UnsafeBufferPointer(rebasing: text[textStart..<textEnd])
        return TokenRun.build(count: range.count, text: UnsafeRawBufferPointer(sliced)) { index in
            let source = range.lowerBound + index
            let flags = self.flags(at: source)
            return (
                token(at: source), logprob(at: source), flags.lossMask,
                flags.textLength(of: token(at: source), vocabulary: vocabulary), isTail(at: source)
            )
        }
    }

    // The run's own memory: valid for as long as the run is.

    var text: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: textStart, count: textCount) }

    /// Where the text starts: a fixed offset into the buffer, so it needs no header field.
    var textStart: UnsafePointer<UInt8> { UnsafeRawPointer(elements).assumingMemoryBound(to: UInt8.self) }

    private var elements: UnsafePointer<UInt32> { UnsafePointer(buffer.withUnsafeMutablePointerToElements { $0 }) }

    private var entries: UnsafePointer<UInt32> { elements + Self.textWords(textCount) }

    private var logprobSlots: UnsafePointer<UInt32> { entries + count }

    func token(at index: Int) -> UInt32 { entries[index] & Self.maxTokenID }

    func flags(at index: Int) -> TokenFlags { TokenFlags(rawValue: UInt8(entries[index] >> 24)) }

    /// Whether the token comes after the end of the text its generation's
    /// client got: a stop token, or the tokens of a stop string the worker
    /// trimmed from `text`. A lookup that asks for tails returns them when
    /// its text ends where the client's did.
    func isTail(at index: Int) -> Bool { entries[index] & Self.tailBit != 0 }

    func logprob(at index: Int) -> Double {
        let slot = logprobSlots[index]
        return flags(at: index).isLogprobEscaped ? escapedLogprobs[Int(slot)] : Double(Float(bitPattern: slot))
    }

    /// Copies the first `count` tokens' ids, log-probabilities and loss mask,
    /// for building a match.
    func copyValues(
        _ count: Int, tokens: UnsafeMutablePointer<UInt32>, logprobs: UnsafeMutablePointer<Double>,
        lossMask: UnsafeMutablePointer<UInt8>
    ) {
        // The addresses read once (a store could otherwise change the
        // header they come from), and one loop per destination: each vectorizes.
        let entries = entries, logprobSlots = logprobSlots
        for index in 0..<count { tokens[index] = entries[index] & Self.maxTokenID }
        for index in 0..<count { lossMask[index] = UInt8(entries[index] >> 31) }
        for index in 0..<count { logprobs[index] = Double(Float(bitPattern: logprobSlots[index])) }
        guard hasEscapedLogprobs else { return }
        // The few values no Float holds: their slots hold indices, put right here.
        let escaped = escapedLogprobs
        for index in 0..<count where TokenFlags(rawValue: UInt8(entries[index] >> 24)).isLogprobEscaped {
            logprobs[index] = escaped[Int(logprobSlots[index])]
        }
    }

    /// How many bytes of `text` the tokens in `range` spell.
    func textLength(ofTokens range: Range<Int>, vocabulary: any TokenBytes) -> Int {
        range.reduce(0) { $0 + flags(at: $1).textLength(of: token(at: $1), vocabulary: vocabulary) }
    }

    /// How many tokens from `index` on (at most `limit`) are the
    /// trajectory's from `position` on with the same values: id, loss mask
    /// and log-probability (bit for bit). The origin is the node's to
    /// compare, the text the insert's (see `TreeInsertion`); the tail mark is
    /// not compared, since a later turn repeats a tail as part of its prompt.
    /// Over the run's memory, eight tokens a test: an insert goes through
    /// long stored prefixes.
    ///
    /// A slot that is not escaped holds a `Float`, and the trajectory's
    /// log-probability is the same value only if it is that `Float` widened,
    /// bit for bit (a stored `Float` is never a signalling NaN, which
    /// widening would change: it was narrowed from a double). So a stored
    /// value is compared with the trajectory's as it is, without its
    /// narrowing.
    func valuesAgreeingCount(from index: Int, with trajectory: Trajectory, at position: Int, limit: Int) -> Int {
        guard limit > 0 else { return 0 }
        let entries = entries + index, slots = logprobSlots + index
        return trajectory.tokens.withUnsafeBufferPointer { tokens in
            trajectory.logprobs.withUnsafeBufferPointer { logprobs in
                trajectory.lossMask.withUnsafeBufferPointer { lossMask in
                    let tokens = tokens.baseAddress! + position, logprobs = logprobs.baseAddress! + position
                    let lossMask = lossMask.baseAddress! + position
                    var agreeing = 0
                    // An escaped slot holds an index, not a value: compared one by one below.
                    if !hasEscapedLogprobs {
                        while agreeing + 8 <= limit {
                            var difference: UInt64 = 0
                            for lane in agreeing..<agreeing + 8 {
                                let key = UInt32(lossMask[lane]) << 31 | tokens[lane]
                                let stored = Double(Float(bitPattern: slots[lane]))
                                difference |=
                                    UInt64(entries[lane] & Self.maskAndID ^ key) | stored.bitPattern ^ logprobs[lane].bitPattern
                            }
                            guard difference == 0 else { break }
                            agreeing += 8
                        }
                    }
                    while agreeing < limit, entries[agreeing] & Self.maskAndID == UInt32(lossMask[agreeing]) << 31 | tokens[agreeing] {
                        let stored =
                            TokenFlags(rawValue: UInt8(entries[agreeing] >> 24)).isLogprobEscaped
                            ? escapedLogprobs[Int(slots[agreeing])] : Double(Float(bitPattern: slots[agreeing]))
                        guard stored.bitPattern == logprobs[agreeing].bitPattern else { break }
                        agreeing += 1
                    }
                    return agreeing
                }
            }
        }
    }

    /// For the tokens from `index` on (at most `limit`) that are in the text
    /// with a length below `TokenFlags.longLength` and end within the run's
    /// first `runBytes` bytes of text, token `index` starting `runOffset`
    /// bytes in: writes where each ends, each after the one before
    /// (`ends[k + 1] = ends[k] + length`), stopping at the first other.
    /// Returns how many it wrote. An insert's hot loop (see
    /// `Trajectory.spell(as:from:limit:runOffset:sameBytes:vocabulary:)`).
    func writeTextEnds(
        from index: Int, limit: Int, runOffset: Int, runBytes: Int, into ends: UnsafeMutablePointer<Int>
    ) -> Int {
        let entries = entries + index
        var written = 0, end = runOffset
        while written < limit {
            let length = TokenFlags(rawValue: UInt8(entries[written] >> 24)).storedLength
            guard length > 0, length < TokenFlags.longLength, end + length <= runBytes else { break }
            end += length
            ends[written + 1] = ends[written] + length
            written += 1
        }
        return written
    }

    /// Whether any of the first `count` tokens is generated (loss mask 1).
    func hasGeneratedToken(in count: Int) -> Bool {
        (0..<count).contains { entries[$0] >> 31 != 0 }
    }

    /// Heap bytes: the object with its header and elements, and any escaped log-probabilities.
    var allocatedBytes: Int {
        heapObjectBytes(properties: MemoryLayout<TokenRunHeader>.size)
            + MemoryLayout<UInt32>.stride * (Self.textWords(textCount) + 2 * count) + heapArrayBytes(escapedLogprobs)
    }
}

/// What a `TokenRun` keeps before its entries.
/// Counts in 32 bits: a node's text is limited to 4 GiB (see `Node.textCount`).
struct TokenRunHeader {
    let count: UInt32
    let textCount: UInt32
    let escapedLogprobs: [Double]
    let isPlain: Bool
    let hasGeneratedTokens: Bool
}
