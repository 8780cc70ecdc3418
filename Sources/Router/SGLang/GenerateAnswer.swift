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
        abortWord.occurs(in: body) || unicodeEscape.occurs(in: body)
    }

    private static let abortWord = ByteNeedle("abort", rareByte: "b")
    private static let unicodeEscape = ByteNeedle(#"\u"#, rareByte: "\\")
    private static let streamKey = ByteNeedle(#""stream""#, rareByte: "m")
    private static let ridKey = ByteNeedle(#""rid""#, rareByte: "d")

    /// The `rid`s a request body names: one, or one per prompt of a batch.
    /// Most bodies that name none do not spell `"rid"`, which a byte scan tells.
    static func rids(_ body: [UInt8]) -> [String] {
        guard ridKey.occurs(in: body), let editor = try? JSONObjectEditor(body), let value = editor["rid"] else { return [] }
        if let rid = value.stringValue { return [rid] }
        return value.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Whether a request body asks for `"stream": true`. Most bodies do not
    /// mention `stream` at all, which a byte scan tells without parsing.
    static func asksToStream(_ body: [UInt8]) -> Bool {
        guard streamKey.occurs(in: body) else { return false }
        guard let editor = try? JSONObjectEditor(body) else { return false }
        return editor["stream"]?.boolValue ?? false
    }
}
