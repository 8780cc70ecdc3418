/// Spots obsolete line folding (a header line that begins with a space or
/// tab, continuing the field above it; RFC 9112 §5.2), which llhttp accepts
/// even in strict mode and which proxies in front of the server may join
/// differently. llhttp reports a folded value as one more value span, so a
/// value span is a fold when the last byte before it, spaces and tabs
/// skipped, is the line feed of the line before. The bytes before a span
/// may lie in an earlier read: that byte is carried from one to the next.
struct LineFoldDetector {
    private var buffer = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The last byte other than a space or tab of the bytes parsed before `buffer`.
    private var lastSignificantByte: UInt8 = 0

    /// llhttp is about to parse `bytes`.
    mutating func begin(_ bytes: UnsafeRawBufferPointer) { buffer = bytes }

    /// llhttp parsed `buffer` up to `count` bytes.
    mutating func finish(consumed count: Int) {
        if let byte = UnsafeRawBufferPointer(rebasing: buffer[..<count]).last(where: { !Self.isBlank($0) }) {
            lastSignificantByte = byte
        }
        buffer = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// True when a value span starting at `start` (inside `buffer`) is a fold.
    func isFold(valueStartingAt start: UnsafeRawPointer) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        var index = base.distance(to: start)
        while index > 0 {
            index -= 1
            if !Self.isBlank(buffer[index]) { return buffer[index] == UInt8(ascii: "\n") }
        }
        return lastSignificantByte == UInt8(ascii: "\n")
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
