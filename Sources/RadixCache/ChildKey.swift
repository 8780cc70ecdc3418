/// What a parent knows of each child's first token, so a reader finds the
/// children that can continue its text without visiting the others: the
/// token's first bytes (up to 7) and its length (8 standing for 8 or more).
/// With BPE most siblings start with the same byte (a space), so the first
/// byte alone would not do.
///
///     bytes 7...1: first token's first bytes, zero-padded   byte 0: its length
///
/// A token omitted from the text has key 0, below every other.
enum ChildKey {
    static let omitted: UInt64 = 0
    static let byteCount = 7
    static let longLength = byteCount + 1

    /// The key of a first token of `length` bytes (0: omitted) spelled at `bytes`.
    static func of(_ bytes: UnsafePointer<UInt8>, length: Int) -> UInt64 {
        guard length > 0 else { return omitted }
        var key: UInt64 = 0
        for index in 0..<byteCount { key = key << 8 | (index < length ? UInt64(bytes[index]) : 0) }
        return key << 8 | UInt64(min(length, longLength))
    }
}
