import JSON

/// What the router reads in SGLang's `/generate` bodies.
enum GenerateAnswer {
    /// `meta_info.finish_reason.type == "abort"` on the answer, or on any
    /// item of a batch answer (the batch is then resent whole).
    static func isAborted(_ answer: JSONValue) -> Bool {
        if let items = answer.arrayValue { return items.contains(where: isAborted) }
        return answer["meta_info"]?["finish_reason"]?["type"]?.stringValue == "abort"
    }

    /// Whether an answer's bytes could hold an abort: they spell `abort`,
    /// or hold a `\u` escape (the only way a JSON string can spell it
    /// otherwise). Most answers do neither, and need no parse to tell.
    static func mayBeAborted(_ body: [UInt8]) -> Bool {
        body.withUnsafeBufferPointer { bytes in
            // One pass, stopping only at the two bytes either can start with.
            var index = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "a") where bytes[index...].starts(with: abortWord): return true
                case UInt8(ascii: "\\") where bytes[index...].starts(with: unicodeEscape): return true
                default: index += 1
                }
            }
            return false
        }
    }

    private static let abortWord = Array("abort".utf8)
    private static let unicodeEscape = Array(#"\u"#.utf8)
    private static let streamKey = Array(#""stream""#.utf8)

    /// Whether `needle` occurs in `bytes`; runs over whole answers, so it
    /// looks for the first byte in a plain loop before comparing the rest.
    private static func contains(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var start = 0
        let lastStart = bytes.count - needle.count
        while start <= lastStart {
            if bytes[start] == first, bytes[start..<start + needle.count].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }

    /// Whether a request body asks for `"stream": true`. Most bodies do not
    /// mention `stream` at all, which a byte scan tells without parsing.
    static func asksToStream(_ body: [UInt8]) -> Bool {
        guard body.withUnsafeBufferPointer({ contains(streamKey, in: $0) }) else { return false }
        guard let editor = try? JSONObjectEditor(body) else { return false }
        return editor["stream"]?.boolValue ?? false
    }
}
