/// Finds the next byte a JSON string literal cannot hold as it is: a quote,
/// a backslash or a control character. Eight bytes are tested at once, as
/// texts (prompts, trajectories) are long runs of bytes that need nothing.
///
/// Returns the byte's index at or after `start`, or `bytes.count` if none.
func firstByteNeedingEscape(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
    var index = start
    while index + 8 <= bytes.count {
        let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        if (bytesBelow(0x20, word) | bytesEqual(to: 0x22, word) | bytesEqual(to: 0x5C, word)) & highBits != 0 { break }
        index += 8
    }
    while index < bytes.count {
        let byte = bytes[index]
        if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
        index += 1
    }
    return index
}

private let lowBits: UInt64 = 0x0101_0101_0101_0101
private let highBits: UInt64 = 0x8080_8080_8080_8080

/// Has the high bit of some byte set if a byte of `word` is below `bound`
/// (at most 0x80): subtracting `bound` from each byte borrows into the high
/// bit exactly for those below it that had it clear. Exact as a yes or no
/// once masked with `highBits`; the byte loop then finds which.
@inline(__always)
private func bytesBelow(_ bound: UInt8, _ word: UInt64) -> UInt64 {
    (word &- lowBits &* UInt64(bound)) & ~word
}

@inline(__always)
private func bytesEqual(to value: UInt8, _ word: UInt64) -> UInt64 {
    bytesBelow(1, word ^ (lowBits &* UInt64(value)))
}
