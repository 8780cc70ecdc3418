/// The number of leading bytes `a` and `b` share: 64 bytes at a time while
/// they agree (wide loads, so long equal texts go at the memory's pace),
/// then eight, then one.
func commonPrefixLength(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Int {
    var index = 0
    while index + 64 <= count, !blocksDiffer(a, b, at: index) {
        index += 64
    }
    while index + 8 <= count {
        // In little-endian order the lowest set bit is in the first differing byte.
        let difference = UInt64(littleEndian: word(a, index) ^ word(b, index))
        if difference != 0 { return index + difference.trailingZeroBitCount / 8 }
        index += 8
    }
    while index < count, a[index] == b[index] { index += 1 }
    return index
}

/// Whether the 64 bytes at `offset` differ: one test for eight words.
@inline(__always)
private func blocksDiffer(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, at offset: Int) -> Bool {
    var difference: UInt64 = 0
    for lane in 0..<8 { difference |= word(a, offset + 8 * lane) ^ word(b, offset + 8 * lane) }
    return difference != 0
}

private func word(_ bytes: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
    UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt64.self)
}

/// The index of the first byte in `bytes[start..<end]` that differs from
/// `bytes[start]`, or `end`: eight bytes at a time (a loss mask's runs are
/// hundreds of tokens long).
func endOfEqualBytes(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
    let repeated = UInt64(bytes[start]) &* 0x0101_0101_0101_0101
    var index = start + 1
    while index + 8 <= end {
        let difference = UInt64(littleEndian: word(bytes, index)) ^ repeated
        if difference != 0 { return index + difference.trailingZeroBitCount / 8 }
        index += 8
    }
    while index < end, bytes[index] == bytes[start] { index += 1 }
    return index
}
