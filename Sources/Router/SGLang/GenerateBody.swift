import JSON

/// The parts of a client's `/generate` body the radix-tree middleware reads,
/// and the rewrite that sends `input_ids` instead of `text`.
struct GenerateBody: Sendable {
    enum Prompts {
        case texts([String])
        case ids([[UInt32]])

        var count: Int {
            switch self {
            case .texts(let texts): texts.count
            case .ids(let lists): lists.count
            }
        }
    }

    var editor: JSONObjectEditor
    let prompts: Prompts
    let isBatch: Bool
    let streams: Bool
    /// Each prompt's `rid`, when the client named it (a string, or a list
    /// for a batch): the generation's name in the cache.
    let rids: [String?]

    init(_ bytes: [UInt8]) throws(ClientError) {
        do { editor = try JSONObjectEditor(bytes) } catch {
            throw ClientError("request body must be a JSON object: \(error)")
        }
        for key in ["text", "input_ids"] where editor.count(of: key) > 1 {
            throw ClientError("\"\(key)\" appears more than once")
        }
        let text = editor["text"].flatMap { $0.isNull ? nil : $0 }
        let ids = editor["input_ids"].flatMap { $0.isNull ? nil : $0 }
        switch (text, ids) {
        case (.some, .some):
            throw ClientError("give either \"text\" or \"input_ids\", not both")
        case (.none, .none):
            throw ClientError("\"text\" or \"input_ids\" is required")
        case (.some(let text), .none):
            (prompts, isBatch) = try Self.texts(text)
        case (.none, .some(let ids)):
            (prompts, isBatch) = try Self.idLists(ids)
        }
        rids = try Self.rids(editor["rid"], count: prompts.count, isBatch: isBatch)
        guard let stream = editor["stream"], !stream.isNull else {
            streams = false
            return
        }
        guard let flag = stream.boolValue else { throw ClientError("\"stream\" must be a boolean") }
        streams = flag
    }

    /// SGLang takes a string for one prompt and a list of strings for a batch.
    private static func rids(_ value: JSONValue?, count: Int, isBatch: Bool) throws(ClientError) -> [String?] {
        guard let value, !value.isNull else { return Array(repeating: nil, count: count) }
        if !isBatch, let rid = value.stringValue { return [rid] }
        guard isBatch, let list = value.arrayValue, list.count == count, list.allSatisfy({ $0.stringValue != nil }) else {
            throw ClientError(isBatch ? "\"rid\" must be a list of \(count) strings, one per prompt" : "\"rid\" must be a string")
        }
        return list.map(\.stringValue)
    }

    var clientAskedForLogprobs: Bool { editor["return_logprob"]?.boolValue ?? false }

    /// The body with `text` replaced in place by `input_ids` (a body that
    /// already has `input_ids` keeps them), and `return_logprob` on (the
    /// cache stores the generated tokens' values). Every other member keeps
    /// its exact bytes.
    func rewritten(ids: [[UInt32]]) -> [UInt8] {
        precondition(isBatch || ids.count == 1, "one id list for a body with one prompt")
        var editor = editor
        if case .texts = prompts {
            var encoded: [UInt8] = []
            encoded.reserveCapacity(7 * ids.reduce(0) { $0 + $1.count } + 2 * ids.count + 2)
            if isBatch { encoded.append(UInt8(ascii: "[")) }
            for (index, list) in ids.enumerated() {
                if index > 0 { encoded.append(UInt8(ascii: ",")) }
                writeJSONArray(list, to: &encoded)
            }
            if isBatch { encoded.append(UInt8(ascii: "]")) }
            editor.set("input_ids", encoded: encoded, replacing: "text")
        }
        if !clientAskedForLogprobs { editor.set("return_logprob", .bool(true)) }
        return editor.serialized()
    }

    private static func texts(_ value: JSONValue) throws(ClientError) -> (Prompts, Bool) {
        if let text = value.stringValue { return (.texts([text]), false) }
        guard let list = value.arrayValue, !list.isEmpty else {
            throw ClientError("\"text\" must be a string or a non-empty list of strings")
        }
        var texts: [String] = []
        for item in list {
            guard let text = item.stringValue else { throw ClientError("\"text\" must be a string or a non-empty list of strings") }
            texts.append(text)
        }
        return (.texts(texts), true)
    }

    private static func idLists(_ value: JSONValue) throws(ClientError) -> (Prompts, Bool) {
        guard let list = value.arrayValue, !list.isEmpty else {
            throw ClientError("\"input_ids\" must be a non-empty list of token ids or of lists of them")
        }
        if list[0].arrayValue != nil {
            var lists: [[UInt32]] = []
            for item in list { lists.append(try ids(item)) }
            return (.ids(lists), true)
        }
        return (.ids([try ids(value)]), false)
    }

    private static func ids(_ value: JSONValue) throws(ClientError) -> [UInt32] {
        guard let list = value.arrayValue else { throw ClientError("\"input_ids\" items must be lists of token ids") }
        var ids: [UInt32] = []
        ids.reserveCapacity(list.count)
        for item in list {
            // Digits only: SGLang reads `1.0` or `1e2` as floats, and `-0` is no id.
            guard case .number(let text) = item, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let token = UInt32(text)
            else {
                throw ClientError("\"input_ids\" must hold non-negative integer token ids")
            }
            ids.append(token)
        }
        return ids
    }
}
