import JSON

/// What a worker generated for one prompt, read from its answer.
struct GeneratedOutput: Sendable {
    let ids: [UInt32]
    let logprobs: [Double]
    let weightVersion: String
    /// The answer's `text`: what the client got (SGLang leaves out the stop
    /// token and a matched stop string). Nil when the answer had none.
    let text: String?
    /// The worker's name for the generation (`meta_info.id`).
    let workerID: String?

    /// Reads a `/generate` answer's bytes (one answer, or a list of them
    /// for a batch) straight into the arrays, without a `JSONValue` tree:
    /// one output per answer, nil for an answer that must not be cached
    /// (aborted, unfinished, or without one log-probability per generated
    /// token). Throws when the bytes are not JSON.
    static func read(answer bytes: UnsafeRawBufferPointer) throws(JSONParser.Error) -> [GeneratedOutput?] {
        try JSONParser.read(bytes) { parser throws(JSONParser.Error) in
            guard try parser.nextKind() == .array else { return [try AnswerFields(&parser).output] }
            var outputs: [GeneratedOutput?] = []
            try parser.readElements { parser throws(JSONParser.Error) in outputs.append(try AnswerFields(&parser).output) }
            return outputs
        }
    }

    static func read(answer bytes: [UInt8]) throws(JSONParser.Error) -> [GeneratedOutput?] {
        try bytes.withUnsafeBytes { buffer in Result { () throws(JSONParser.Error) in try read(answer: buffer) } }.get()
    }

    fileprivate init(ids: [UInt32], logprobs: [Double], weightVersion: String, text: String?, workerID: String?) {
        self.ids = ids
        self.logprobs = logprobs
        self.weightVersion = weightVersion
        self.text = text
        self.workerID = workerID
    }
}

/// The members of one answer the cache reads. A member named twice counts
/// by its last occurrence, as `JSONValue`'s subscript reads it.
private struct AnswerFields {
    /// `output_ids`, nil unless a list of token ids.
    var ids: [UInt32]?
    var text: String?
    /// `meta_info`, nil unless an object.
    var meta: MetaFields?

    init(_ parser: inout JSONParser) throws(JSONParser.Error) {
        guard try parser.nextKind() == .object else {
            try parser.skipValue()
            return
        }
        try parser.readMembers { parser, key throws(JSONParser.Error) in
            if key == "output_ids" {
                ids = try readTokenIDs(&parser)
            } else if key == "meta_info" {
                if try parser.nextKind() == .object {
                    meta = try MetaFields(&parser)
                } else {
                    meta = nil
                    try parser.skipValue()
                }
            } else if key == "text" {
                text = try readStringIfAny(&parser)
            } else {
                try parser.skipValue()
            }
        }
    }

    var output: GeneratedOutput? {
        guard let meta, meta.finished, !meta.aborted, let ids, let logprobs = meta.logprobs, logprobs.count == ids.count
        else { return nil }
        return GeneratedOutput(
            ids: ids, logprobs: logprobs, weightVersion: meta.weightVersion ?? "default", text: text, workerID: meta.id)
    }
}

/// The members of an answer's `meta_info` the cache reads.
private struct MetaFields {
    /// `finish_reason` is there and not null (an unfinished answer has null).
    var finished = false
    /// `finish_reason.type` is `abort`.
    var aborted = false
    /// The first item of each `output_token_logprobs` entry; nil unless
    /// every entry is a list that starts with a number.
    var logprobs: [Double]?
    /// A string, or a bare number's spelling.
    var weightVersion: String?
    var id: String?

    init(_ parser: inout JSONParser) throws(JSONParser.Error) {
        try parser.readMembers { parser, key throws(JSONParser.Error) in
            if key == "output_token_logprobs" {
                logprobs = try readFirstNumbers(&parser)
            } else if key == "finish_reason" {
                (finished, aborted) = try readFinishReason(&parser)
            } else if key == "weight_version" {
                switch try parser.nextKind() {
                case .string: weightVersion = try parser.readString()
                case .number: weightVersion = String(decoding: try parser.readNumber(), as: UTF8.self)
                default:
                    weightVersion = nil
                    try parser.skipValue()
                }
            } else if key == "id" {
                id = try readStringIfAny(&parser)
            } else {
                try parser.skipValue()
            }
        }
    }
}

/// A string value; nil (the value skipped) for anything else.
private func readStringIfAny(_ parser: inout JSONParser) throws(JSONParser.Error) -> String? {
    if try parser.nextKind() == .string { return try parser.readString() }
    try parser.skipValue()
    return nil
}

/// Room reserved at once for a generation's lists: most are longer than
/// a few tokens, and growing from one by doubling costs an allocation each time.
private let expectedListLength = 32

/// A list whose every item `item` reads (it consumes the item, nil when it
/// cannot read it); nil (the value skipped) for anything else.
@inline(__always)
private func readList<Item>(
    _ parser: inout JSONParser, item: (inout JSONParser) throws(JSONParser.Error) -> Item?
) throws(JSONParser.Error) -> [Item]? {
    guard try parser.nextKind() == .array else {
        try parser.skipValue()
        return nil
    }
    var items: [Item] = []
    items.reserveCapacity(expectedListLength)
    var readable = true
    var more = try parser.beginArray()
    while more {
        if let read = try item(&parser) { items.append(read) } else { readable = false }
        more = try parser.nextElement()
    }
    return readable ? items : nil
}

/// A list of token ids; nil (the value skipped) for anything else.
private func readTokenIDs(_ parser: inout JSONParser) throws(JSONParser.Error) -> [UInt32]? {
    // Plain digits throughout at once; anything else in general.
    var ids: [UInt32] = []
    ids.reserveCapacity(expectedListLength)
    if parser.readPlainUInt32sIfAll(into: &ids) { return ids }
    return try readList(&parser) { (parser) throws(JSONParser.Error) -> UInt32? in
        if let id = try parser.readPlainUInt32IfAny() { return id }
        guard try parser.nextKind() == .number else {
            try parser.skipValue()
            return nil
        }
        return tokenID(try parser.readNumber())
    }
}

/// A number not spelled as plain digits (those are read at once) as a token
/// id, by `JSONValue.intValue`'s rule (`1e2` is 100).
private func tokenID(_ text: UnsafeRawBufferPointer) -> UInt32? {
    JSONValue.number(String(decoding: text, as: UTF8.self)).intValue.flatMap(UInt32.init(exactly:))
}

/// The first item of each entry of a list of lists (`[[logprob, id, text], …]`);
/// nil when the value is not such a list or an entry does not start with a number.
private func readFirstNumbers(_ parser: inout JSONParser) throws(JSONParser.Error) -> [Double]? {
    // SGLang's `[[logprob, id, null], …]` at once; anything else in general.
    var numbers: [Double] = []
    numbers.reserveCapacity(expectedListLength)
    if parser.readNumberLedArraysIfPlain(into: &numbers) { return numbers }
    return try readList(&parser) { (parser) throws(JSONParser.Error) -> Double? in
        guard try parser.nextKind() == .array else {
            try parser.skipValue()
            return nil
        }
        var first: Double?
        var inEntry = try parser.beginArray()
        if inEntry {
            if try parser.nextKind() == .number { first = try parser.readDouble() } else { try parser.skipValue() }
            inEntry = try parser.nextElement()
        }
        while inEntry {
            try parser.skipValue()
            inEntry = try parser.nextElement()
        }
        return first
    }
}

/// Whether `finish_reason` is there and not null, and whether its `type` is `abort`.
private func readFinishReason(_ parser: inout JSONParser) throws(JSONParser.Error) -> (finished: Bool, aborted: Bool) {
    switch try parser.nextKind() {
    case .object:
        var aborted = false
        try parser.readMembers { parser, key throws(JSONParser.Error) in
            guard key == "type" else { return try parser.skipValue() }
            if try parser.nextKind() == .string {
                aborted = try parser.readString(equals: "abort")
            } else {
                aborted = false
                try parser.skipValue()
            }
        }
        return (true, aborted)
    default:
        // null: not finished yet; anything else counts as a reason.
        if try parser.readNullIfAny() { return (false, false) }
        try parser.skipValue()
        return (true, false)
    }
}
