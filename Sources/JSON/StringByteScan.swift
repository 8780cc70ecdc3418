/// Finds the next byte a JSON string literal cannot hold as it is: a quote,
/// a backslash or a control character. Thirty-two bytes are tested at once
/// (four words), as texts (prompts, trajectories) are long runs of bytes
/// that need nothing; then eight, then one.
///
/// Returns the byte's index at or after `start`, or `bytes.count` if none.
func firstByteNeedingEscape(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
    guard let base = bytes.baseAddress else { return start }
    func word(_ offset: Int) -> UInt64 { needsEscape(base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    var index = start
    while index + 32 <= bytes.count {
        if (word(index) | word(index + 8) | word(index + 16) | word(index + 24)) & highBits != 0 { break }
        index += 32
    }
    while index + 8 <= bytes.count, word(index) & highBits == 0 {
        index += 8
    }
    while index < bytes.count {
        let byte = base.load(fromByteOffset: index, as: UInt8.self)
        if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
        index += 1
    }
    return index
}

private let lowBits: UInt64 = 0x0101_0101_0101_0101
private let highBits: UInt64 = 0x8080_8080_8080_8080

/// Has the high bit of some byte set if a byte of `word` is below 0x20, a
/// quote or a backslash: subtracting a bound from each byte borrows into the
/// high bit exactly for those below it that had it clear (a quote or a
/// backslash is a byte below 1 once xor-ed with itself). Exact as a yes or
/// no once masked with `highBits`; the byte loop then finds which.
@inline(__always)
private func needsEscape(_ word: UInt64) -> UInt64 {
    let control = word &- lowBits &* 0x20
    let quote = (word ^ lowBits &* UInt64(UInt8(ascii: "\""))) &- lowBits
    let backslash = (word ^ lowBits &* UInt64(UInt8(ascii: "\\"))) &- lowBits
    // Quote and backslash are below 0x80: xor-ing keeps each byte's high bit.
    return (control | quote | backslash) & ~word
}
