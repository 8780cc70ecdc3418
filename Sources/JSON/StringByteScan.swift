/// Finds the next byte a JSON string literal cannot hold as it is: a quote,
/// a backslash or a control character. Thirty-two bytes are tested at once
/// (four words), as texts (prompts, trajectories) are long runs of bytes
/// that need nothing; then eight, then one.
///
/// Returns the byte's index at or after `start`, or `bytes.count` if none.
func firstByteNeedingEscape(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
    var seen: UInt64 = 0
    return scanToByteNeedingEscape(bytes, from: start, trackingHighBits: false, &seen)
}

/// `firstByteNeedingEscape`, also clearing `ascii` if a byte before the
/// one found is not ASCII: a reader then needs no second pass over the
/// bytes to know they are valid UTF-8.
func firstByteNeedingEscape(in bytes: UnsafeRawBufferPointer, from start: Int, ascii: inout Bool) -> Int {
    var seen: UInt64 = 0
    let index = scanToByteNeedingEscape(bytes, from: start, trackingHighBits: true, &seen)
    if seen & highBits != 0 { ascii = false }
    return index
}

/// The scan; with `trackingHighBits`, every byte passed is or-ed into `seen`.
@inline(__always)
private func scanToByteNeedingEscape(
    _ bytes: UnsafeRawBufferPointer, from start: Int, trackingHighBits: Bool, _ seen: inout UInt64
) -> Int {
    guard let base = bytes.baseAddress else { return start }
    func load(_ offset: Int) -> UInt64 { base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
    var index = start
    while index + 32 <= bytes.count {
        let words = (load(index), load(index + 8), load(index + 16), load(index + 24))
        let found = needsEscape(words.0) | needsEscape(words.1) | needsEscape(words.2) | needsEscape(words.3)
        if found & highBits != 0 { break }
        if trackingHighBits { seen |= words.0 | words.1 | words.2 | words.3 }
        index += 32
    }
    while index + 8 <= bytes.count {
        let word = load(index)
        let found = needsEscape(word) & highBits
        if found != 0 {
            // The lowest flagged byte is the first such byte: no byte loop.
            let offset = found.trailingZeroBitCount &>> 3
            if trackingHighBits { seen |= word & (1 &<< (offset &* 8) &- 1) }
            return index &+ offset
        }
        if trackingHighBits { seen |= word }
        index += 8
    }
    while index < bytes.count {
        let byte = base.load(fromByteOffset: index, as: UInt8.self)
        if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
        if trackingHighBits { seen |= UInt64(byte) }
        index += 1
    }
    return index
}

/// Finds the first byte that is not plain ASCII string content: one
/// `firstByteNeedingEscape` finds, or any byte from 0x80. For member names,
/// short and almost always plain: eight bytes at a time, then one.
@inline(__always)
func firstByteNotPlainASCII(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
    guard let base = bytes.baseAddress else { return start }
    var index = start
    while index + 8 <= bytes.count {
        let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        let found = (needsEscape(word) | word) & highBits
        if found != 0 { return index &+ found.trailingZeroBitCount &>> 3 }
        index += 8
    }
    while index < bytes.count {
        let byte = base.load(fromByteOffset: index, as: UInt8.self)
        if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
        index += 1
    }
    return index
}

private let lowBits: UInt64 = 0x0101_0101_0101_0101
private let highBits: UInt64 = 0x8080_8080_8080_8080

/// Has the high bit of some byte set if a byte of `word` is below 0x20, a
/// quote or a backslash: subtracting a bound from each byte borrows into the
/// high bit exactly for those below it that had it clear (a quote or a
/// backslash is a byte below 1 once xor-ed with itself). Once masked with
/// `highBits`, exact as a yes or no, and its lowest flagged byte is the first
/// such byte: a borrow only runs upward, from a byte that needs escaping.
@inline(__always)
private func needsEscape(_ word: UInt64) -> UInt64 {
    let control = word &- lowBits &* 0x20
    let quote = (word ^ lowBits &* UInt64(UInt8(ascii: "\""))) &- lowBits
    let backslash = (word ^ lowBits &* UInt64(UInt8(ascii: "\\"))) &- lowBits
    // Quote and backslash are below 0x80: xor-ing keeps each byte's high bit.
    return (control | quote | backslash) & ~word
}
