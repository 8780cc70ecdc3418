import JSON

/// What the router reads in SGLang's `/generate` bodies.
enum GenerateAnswer {
    /// `meta_info.finish_reason.type == "abort"` on the answer, or on any
    /// item of a batch answer (the batch is then resent whole).
    static func isAborted(_ answer: JSONValue) -> Bool {
        if let items = answer.arrayValue { return items.contains(where: isAborted) }
        return answer["meta_info"]?["finish_reason"]?["type"]?.stringValue == "abort"
    }

    /// Whether a request body asks for `"stream": true`. Most bodies do not
    /// mention `stream` at all, which a byte scan tells without parsing.
    static func asksToStream(_ body: [UInt8]) -> Bool {
        let key = Array(#""stream""#.utf8)
        guard body.count >= key.count,
              (0...(body.count - key.count)).contains(where: { body[$0] == key[0] && body[$0..<$0 + key.count].elementsEqual(key) })
        else { return false }
        guard let editor = try? JSONObjectEditor(body) else { return false }
        return editor["stream"]?.boolValue ?? false
    }
}
