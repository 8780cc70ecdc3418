/// The number of leading bytes `a` and `b` share, comparing eight at a time.
func commonPrefixLength(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Int {
    var index = 0
    while index + 8 <= count {
        let left = UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self)
        let right = UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self)
        // In little-endian order the lowest set bit is in the first differing byte.
        let difference = UInt64(littleEndian: left ^ right)
        if difference != 0 { return index + difference.trailingZeroBitCount / 8 }
        index += 8
    }
    while index < count, a[index] == b[index] { index += 1 }
    return index
}
