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

    /// The keys a child's first token may have to continue a text: omitted
    /// from it, or any length that fits, with the text's first bytes.
    struct Query {
        /// The text's first (up to) 7 bytes, placed as in a key.
        private let prefix: UInt64
        let longestLength: Int

        init(_ text: UnsafePointer<UInt8>, available: Int) {
            longestLength = min(available, longLength)
            // With eight bytes to read, one load: its last byte lands where the length goes.
            prefix =
                available >= 8
                ? UInt64(bigEndian: UnsafeRawPointer(text).loadUnaligned(as: UInt64.self)) & ~0xFF
                : of(text, length: min(available, byteCount)) & ~0xFF
        }

        /// The key of a token of `length` (1...`longestLength`) bytes starting the text.
        func key(length: Int) -> UInt64 {
            let kept = min(length, byteCount)
            let mask = kept == byteCount ? ~UInt64(0xFF) : ~(UInt64.max >> (8 * kept))
            return prefix & mask | UInt64(length)
        }

        /// Calls `body` with each key a child continuing the text may have,
        /// in ascending order (the omitted key, then by length).
        func forEachAdmittedKey(_ body: (UInt64) -> Void) {
            body(omitted)
            for length in 0..<longestLength { body(key(length: length + 1)) }
        }

        /// The keys a first token may have that holds the whole text and
        /// more (the text ends inside it), among others sharing the text's
        /// bytes; nil when the text is long enough that `admits` covers them.
        var keysExtendingText: ClosedRange<UInt64>? {
            guard longestLength < longLength else { return nil }
            let rest = UInt64.max >> (8 * longestLength)
            return (prefix & ~rest)...(prefix | rest)
        }

        /// Whether a child keyed `key` may continue the text.
        func admits(_ key: UInt64) -> Bool {
            let length = Int(key & 0xFF)
            return key == omitted || (length <= longestLength && key == self.key(length: length))
        }
    }
}
