/// An attribute name or dict key with a key computed once, when the
/// template is parsed: dict lookups compare keys instead of comparing
/// strings for every entry they pass.
struct Name: Sendable {
    let text: String
    /// Names of up to 8 ASCII bytes (most of them) are their own key, so equal
    /// keys mean equal names. Others get an FNV-1a hash with the top bit set,
    /// and equal keys are confirmed byte by byte.
    let key: UInt64
    private static let hashed: UInt64 = 1 << 63

    init(_ text: String) {
        self.text = text
        key = Self.key(of: text)
    }

    static func key(of text: String) -> UInt64 {
        text.utf8.withContiguousStorageIfAvailable { bytes in key(of: bytes) }
            ?? Array(text.utf8).withUnsafeBufferPointer { bytes in key(of: bytes) }
    }

    private static func key(of bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if bytes.count <= 8 {
            var packed: UInt64 = 0
            for (offset, byte) in bytes.enumerated() {
                guard byte != 0, byte < 0x80 else { packed = hashed; break }
                packed |= UInt64(byte) << (8 * offset)
            }
            if packed & hashed == 0 { return packed }
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash | hashed
    }

    /// Whether two equal keys are enough to know the names are the same.
    static func keyIsExact(_ key: UInt64) -> Bool { key & hashed == 0 }
}
