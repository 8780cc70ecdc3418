/// Reads single `meta_info` values the router reports on (the weight
/// version a worker answered with, the tokens a stream produced) straight
/// from answer bytes, so answers that run to megabytes are not parsed for them.
enum MetaInfoScan {
    static let weightVersionKey = ByteNeedle(#""weight_version""#, rareByte: "w")
    static let completionTokensKey = ByteNeedle(#""completion_tokens""#, rareByte: "k")

    static func weightVersion(in body: [UInt8]) -> String? {
        body.withUnsafeBytes { lastValue(of: weightVersionKey, in: $0) }
    }

    /// The value after the last `"key":` in `bytes`: a string's contents or
    /// a number's spelling. nil when the key is absent, its value is of
    /// another type or holds an escape, or `bytes` end inside it.
    static func lastValue(of key: ByteNeedle, in bytes: UnsafeRawBufferPointer) -> String? {
        guard let start = key.lastMatch(in: bytes) else { return nil }
        var index = skipSpaces(in: bytes, from: start + key.count)
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index = skipSpaces(in: bytes, from: index + 1)
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            let contents = index + 1
            guard let close = bytes[contents...].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
                bytes[close] == UInt8(ascii: "\"")
            else { return nil }
            return String(decoding: bytes[contents..<close], as: UTF8.self)
        }
        let numberEnd = bytes[index...].firstIndex { !isNumberByte($0) } ?? bytes.count
        // A number running to the end may go on in the next piece.
        guard numberEnd > index, numberEnd < bytes.count else { return nil }
        return String(decoding: bytes[index..<numberEnd], as: UTF8.self)
    }

    private static func skipSpaces(in bytes: UnsafeRawBufferPointer, from index: Int) -> Int {
        bytes[index...].firstIndex { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } ?? bytes.count
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }
}
