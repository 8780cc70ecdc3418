import JSON

/// A `/generate` body as SGLang reads it: `text` or `input_ids`, single or
/// batch, with per-item `sampling_params` when given as a list.
struct GenerateRequest {
    struct Item {
        var promptIDs: [Int]
        var maxNewTokens: Int
        var rid: String?
        /// The first of `sampling_params.stop`: the generation ends with it.
        var stop: String?
        /// `sampling_params.no_stop_trim`: `text` keeps the stop string.
        var noStopTrim = false
    }

    var items: [Item]
    var isBatch: Bool
    var stream: Bool
    var returnLogprob: Bool

    struct Invalid: Error { let message: String }

    init(_ body: JSONValue, codec: TokenCodec, defaultMaxNewTokens: Int) throws(Invalid) {
        guard case .object = body else { throw Invalid(message: "body must be a JSON object") }
        var prompts: [[Int]]
        if let ids = body["input_ids"], !ids.isNull {
            (prompts, isBatch) = try Self.idLists(ids)
        } else if let text = body["text"], !text.isNull {
            if let single = text.stringValue {
                prompts = [codec.encode(single)]
                isBatch = false
            } else if let list = text.arrayValue {
                prompts = try list.map { (value) throws(Invalid) -> [Int] in
                    guard let text = value.stringValue else { throw Invalid(message: "text must be a string or a list of strings") }
                    return codec.encode(text)
                }
                isBatch = true
            } else {
                throw Invalid(message: "text must be a string or a list of strings")
            }
        } else {
            throw Invalid(message: "Either text or input_ids should be provided.")
        }
        stream = body["stream"]?.boolValue ?? false
        returnLogprob = body["return_logprob"]?.boolValue ?? false
        let sampling = body["sampling_params"]
        let rids = body["rid"]
        items = try prompts.enumerated().map { (index, ids) throws(Invalid) -> Item in
            let params = sampling?.arrayValue.map { $0.indices.contains(index) ? $0[index] : .null } ?? sampling
            var maxNewTokens = defaultMaxNewTokens
            if let value = params?["max_new_tokens"], !value.isNull {
                guard let number = value.intValue, number >= 0 else {
                    throw Invalid(message: "max_new_tokens must be a non-negative integer")
                }
                maxNewTokens = number
            }
            let rid = rids?.arrayValue.map { $0.indices.contains(index) ? $0[index].stringValue : nil } ?? rids?.stringValue
            let stop = params?["stop"].flatMap { $0.stringValue ?? $0.arrayValue?.first?.stringValue }
            return Item(
                promptIDs: ids, maxNewTokens: maxNewTokens, rid: rid, stop: stop?.isEmpty == false ? stop : nil,
                noStopTrim: params?["no_stop_trim"]?.boolValue ?? false)
        }
    }

    private static func idLists(_ value: JSONValue) throws(Invalid) -> ([[Int]], Bool) {
        guard let list = value.arrayValue else { throw Invalid(message: "input_ids must be a list") }
        if list.first?.arrayValue != nil {
            return (try list.map { (inner) throws(Invalid) -> [Int] in try ints(inner) }, true)
        }
        return ([try ints(value)], false)
    }

    private static func ints(_ value: JSONValue) throws(Invalid) -> [Int] {
        guard let list = value.arrayValue else { throw Invalid(message: "input_ids must be a list of integers") }
        return try list.map { (item) throws(Invalid) -> Int in
            guard let id = item.intValue, id >= 0 else { throw Invalid(message: "input_ids must be a list of non-negative integers") }
            return id
        }
    }
}
