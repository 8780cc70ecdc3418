/// The number of leading bytes `a` and `b` share: sixteen bytes at a time
/// while they agree, then eight, then one.
func commonPrefixLength(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Int {
    var index = 0
    while index + 16 <= count {
        let first = word(a, index) ^ word(b, index)
        let second = word(a, index + 8) ^ word(b, index + 8)
        if first | second != 0 { break }
        index += 16
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

private func word(_ bytes: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
    UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt64.self)
}
