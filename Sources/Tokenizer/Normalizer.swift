/// The normalizers byte-level BPE files use: none or NFC (a `Sequence` of
/// NFCs is NFC).
enum Normalizer: Sendable {
    case none
    case nfc

    /// Calls `body` with the normalized bytes of `text`, without copying
    /// when the text is already normalized.
    func withNormalized<R>(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard case .nfc = self, !Self.isTriviallyNFC(text) else { return body(text) }
        let string = String(decoding: text, as: UTF8.self)
        if Self.isNFC(string) { return body(text) }
        return string._nfcCodeUnits.withUnsafeBufferPointer(body)
    }

    /// Scalars below U+0300 are never changed or combined by NFC; their
    /// UTF-8 bytes are all below 0xCC.
    /// ASCII is skipped 32 bytes at a time, then eight (prompts are mostly
    /// ASCII, and every request's is checked whole).
    private static func isTriviallyNFC(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(text)
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func word(_ offset: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        var index = 0
        while index &+ 32 <= raw.count {
            if (word(index) | word(index &+ 8) | word(index &+ 16) | word(index &+ 24)) & highBits != 0 { break }
            index &+= 32
        }
        while index &+ 8 <= raw.count {
            if word(index) & highBits != 0 { break }
            index &+= 8
        }
        for byte in text[index...] where byte >= 0xCC { return false }
        return true
    }

    /// The quick check alone: a "yes" is certain, and a "maybe" only costs
    /// normalizing text that was already NFC, which gives it back unchanged.
    /// (The full check cost a third of all encoding time on mixed text.)
    private static func isNFC(_ string: String) -> Bool {
        var span = string.utf8Span
        return span.checkForNFC(quickCheck: true)
    }

    static func nfc(_ string: String) -> String {
        String(decoding: string._nfcCodeUnits, as: UTF8.self)
    }
}
