/// `bytes` as a `String` if they are valid UTF-8, else nil: the check
/// `String(validating:as:)` makes. That initializer is generic over the
/// encoding, and each call looks up its type metadata at run time (about
/// 700 instructions, more than validating a short key); ASCII bytes, most
/// keys and texts, need only a test of their high bits.
public func validUTF8String(_ bytes: UnsafeRawBufferPointer) -> String? {
    guard isASCII(bytes) else { return String(validating: bytes, as: UTF8.self) }
    return String(decoding: bytes, as: UTF8.self)
}

public func validUTF8String(_ bytes: [UInt8]) -> String? {
    bytes.withUnsafeBytes { validUTF8String($0) }
}

/// Whether every byte is below 0x80, eight at a time.
func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    var index = 0
    var high: UInt64 = 0
    while index + 8 <= bytes.count {
        high |= base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        index += 8
    }
    while index < bytes.count {
        high |= UInt64(base.load(fromByteOffset: index, as: UInt8.self))
        index += 1
    }
    return high & 0x8080_8080_8080_8080 == 0
}
