/// A token id spelled as plain decimal digits (no sign, point or exponent)
/// that fits in 32 bits; nil for any other spelling. A loop over the bytes
/// where they lie: ids come by the hundred in requests and answers.
@inline(__always)
func plainTokenID(_ digits: UnsafeRawBufferPointer) -> UInt32? {
    guard !digits.isEmpty, digits.count <= 10 else { return nil }
    var value: UInt64 = 0
    for offset in 0..<digits.count {
        let digit = digits[offset] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value &* 10 &+ UInt64(digit)
    }
    return UInt32(exactly: value)
}
