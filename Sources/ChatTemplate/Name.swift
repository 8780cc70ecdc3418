/// A variable's name with a key computed once, when the template is parsed:
/// scope lookups compare keys instead of comparing strings for every
/// variable they pass.
struct Name: Sendable {
    let text: String
    /// Names of up to 8 ASCII bytes (most of them) are their own key, so equal
    /// keys mean equal names. Others get an FNV-1a hash with the top bit set,
    /// and equal keys are confirmed byte by byte.
    let key: UInt64
    private static let hashed: UInt64 = 1 << 63

    init(_ text: String) {
        self.text = text
        var packed: UInt64 = 0, count = 0
        for byte in text.utf8 {
            guard count < 8, byte != 0, byte < 0x80 else { packed = Self.hashed; break }
            packed |= UInt64(byte) << (8 * count)
            count += 1
        }
        guard packed & Self.hashed != 0 else {
            key = packed
            return
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        key = hash | Self.hashed
    }

    static let loop = Name("loop")
    static let caller = Name("caller")

    func matches(_ other: Name) -> Bool {
        key == other.key && (key & Self.hashed == 0 || sameBytes(text, other.text))
    }
}
