import JSON

/// The parts of a client's `/generate` body the radix-tree middleware reads,
/// and the rewrite that sends `input_ids` instead of `text`.
///
/// Read member by member with `JSONParser`'s reader, without a tree: the
/// members the middleware needs go straight into their values, every other
/// one is skipped (but checked, so a body `parse` refuses is refused), and
/// the rewrite copies the source around the members it replaces.
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

    let source: [UInt8]
    let prompts: Prompts
    let isBatch: Bool
    let streams: Bool
    /// Each prompt's `rid`, when the client named it (a string, or a list
    /// for a batch): the generation's name in the cache.
    let rids: [String?]
    /// `return_logprob` is `true`.
    let clientAskedForLogprobs: Bool
    /// Where the `text` member lies (key to value's end), when the prompts are texts.
    private let textMember: Range<Int>?
    /// Where the last `return_logprob` member lies, if any.
    private let logprobMember: Range<Int>?

    init(_ bytes: [UInt8]) throws(ClientError) {
        let members: BodyMembers
        do {
            members = try bytes.withUnsafeBytes { buffer in
                Result { () throws(JSONParser.Error) in try BodyMembers(buffer) }
            }.get()
        } catch {
            throw ClientError("request body must be a JSON object: \(error)")
        }
        source = bytes
        // Checked one by one: a list of the two would be allocated per request.
        if members.textCount > 1 { throw ClientError.appearsMoreThanOnce("text") }
        if members.idsCount > 1 { throw ClientError.appearsMoreThanOnce("input_ids") }
        switch (members.text, members.ids) {
        case (.some, .some):
            throw ClientError("give either \"text\" or \"input_ids\", not both")
        case (.none, .none):
            throw ClientError("\"text\" or \"input_ids\" is required")
        case (.some(let text), .none):
            (prompts, isBatch) = try text.prompts()
            textMember = members.textRange
        case (.none, .some(let ids)):
            (prompts, isBatch) = try ids.prompts()
            textMember = nil
        }
        rids = try members.rid.rids(count: prompts.count, isBatch: isBatch)
        streams = try members.stream.flag()
        clientAskedForLogprobs = members.returnLogprob
        logprobMember = members.returnLogprobRange
    }

    /// The body with `text` replaced in place by `input_ids` (a body that
    /// already has `input_ids` keeps them), and `return_logprob` on (the
    /// cache stores the generated tokens' values). Every other member keeps
    /// its exact bytes. Written in one pass into room sized at once, the
    /// ids' digits straight where they go (copied from `spellings`).
    func rewritten(ids: [[UInt32]], spelledBy spellings: IntegerSpellings) -> [UInt8] {
        precondition(isBatch || ids.count == 1, "one id list for a body with one prompt")
        let room = ids.reduce(source.count + Self.logprobOn.count + Self.idsKey.count + 3) {
            $0 + 1 + jsonArrayRoom(forIntegers: $1.count)
        }
        return source.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: room) { buffer, count in
                var out = ByteCursor(start: buffer.baseAddress!)
                var copied = 0
                // The two edits, in the order they lie (they never overlap).
                let idsFirst = textMember.map { text in logprobMember.map { text.lowerBound < $0.lowerBound } ?? true } ?? false
                if idsFirst { replaceText(with: ids, spellings, in: &out, from: source, copied: &copied) }
                if !clientAskedForLogprobs, let member = logprobMember {
                    out.append(source, copied..<member.lowerBound)
                    out.append(Self.logprobOn)
                    copied = member.upperBound
                }
                if !idsFirst { replaceText(with: ids, spellings, in: &out, from: source, copied: &copied) }
                if !clientAskedForLogprobs, logprobMember == nil, let close = source.lastIndex(of: UInt8(ascii: "}")) {
                    // A body always has a prompt member, so the addition follows one.
                    out.append(source, copied..<close)
                    out.append(UInt8(ascii: ","))
                    out.append(Self.logprobOn)
                    copied = close
                }
                out.append(source, copied..<source.count)
                count = out.count
            }
        }
    }

    private static let logprobOn = Array(#""return_logprob":true"#.utf8)
    private static let idsKey = Array(#""input_ids":"#.utf8)

    /// Copies the source up to the `text` member, then writes `"input_ids"` with `ids` in its place.
    private func replaceText(
        with ids: [[UInt32]], _ spellings: IntegerSpellings, in out: inout ByteCursor, from source: UnsafeBufferPointer<UInt8>,
        copied: inout Int
    ) {
        guard let member = textMember else { return }
        out.append(source, copied..<member.lowerBound)
        out.append(Self.idsKey)
        if isBatch { out.append(UInt8(ascii: "[")) }
        for (index, list) in ids.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let at = out.start + out.count
            out.count += list.withUnsafeBufferPointer { writeJSONArray($0, spelledBy: spellings, at: at) }
        }
        if isBatch { out.append(UInt8(ascii: "]")) }
        copied = member.upperBound
    }
}

extension ClientError {
    fileprivate static func appearsMoreThanOnce(_ key: String) -> ClientError {
        ClientError("\"\(key)\" appears more than once")
    }
}

/// Bytes written at a pointer, into room the caller reserved.
private struct ByteCursor {
    let start: UnsafeMutablePointer<UInt8>
    var count = 0

    mutating func append(_ byte: UInt8) {
        start[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        (start + count).initialize(from: bytes.baseAddress! + range.lowerBound, count: range.count)
        count += range.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0, 0..<$0.count) }
    }
}

/// The members of a `/generate` body the middleware reads, as read, before
/// they are judged: a member named twice counts by its last occurrence
/// (JSON's "last one wins"), and a value of the wrong type is remembered,
/// so that the body's JSON errors come first, then the prompts', then the
/// others'.
private struct BodyMembers {
    var text: TextValue?
    var textCount = 0
    var textRange: Range<Int>?
    var ids: IDsValue?
    var idsCount = 0
    var rid = RidValue.absent
    var stream = StreamValue.absent
    var returnLogprob = false
    var returnLogprobRange: Range<Int>?

    init(_ bytes: UnsafeRawBufferPointer) throws(JSONParser.Error) {
        self = try JSONParser.read(bytes) { parser throws(JSONParser.Error) in
            var members = BodyMembers()
            try parser.readMembers { parser, key throws(JSONParser.Error) in
                if key == "text" {
                    members.textCount += 1
                    members.text = try TextValue(&parser)
                    members.textRange = key.start..<parser.offset
                } else if key == "input_ids" {
                    members.idsCount += 1
                    members.ids = try IDsValue(&parser)
                } else if key == "rid" {
                    members.rid = try RidValue(&parser)
                } else if key == "stream" {
                    members.stream = try StreamValue(&parser)
                } else if key == "return_logprob" {
                    if let flag = try parser.readBoolIfAny() {
                        members.returnLogprob = flag
                    } else {
                        members.returnLogprob = false
                        try parser.skipValue()
                    }
                    members.returnLogprobRange = key.start..<parser.offset
                } else {
                    try parser.skipValue()
                }
            }
            return members
        }
    }

    private init() {}
}

/// `text`: one string, or a list of them for a batch.
private enum TextValue {
    case one(String)
    case batch([String])
    case invalid

    /// Nil for `null` (as if absent).
    init?(_ parser: inout JSONParser) throws(JSONParser.Error) {
        switch try parser.nextKind() {
        case .string:
            self = .one(try parser.readString())
        case .array:
            let texts = try parser.readStringList()
            self = texts.map { $0.isEmpty ? .invalid : .batch($0) } ?? .invalid
        default:
            if try parser.readNullIfAny() { return nil }
            try parser.skipValue()
            self = .invalid
        }
    }

    func prompts() throws(ClientError) -> (GenerateBody.Prompts, Bool) {
        switch self {
        case .one(let text): return (.texts([text]), false)
        case .batch(let texts): return (.texts(texts), true)
        case .invalid: throw ClientError("\"text\" must be a string or a non-empty list of strings")
        }
    }
}

/// `input_ids`: one list of token ids, or a list of such lists for a batch.
/// Ids are plain digits: SGLang reads `1.0` or `1e2` as floats, and `-0` is no id.
private enum IDsValue {
    case one([UInt32])
    case batch([[UInt32]])
    case invalid(String)

    static let notAList = "\"input_ids\" must be a non-empty list of token ids or of lists of them"
    static let notALists = "\"input_ids\" items must be lists of token ids"
    static let notAnID = "\"input_ids\" must hold non-negative integer token ids"

    /// Nil for `null` (as if absent).
    init?(_ parser: inout JSONParser) throws(JSONParser.Error) {
        guard try parser.nextKind() == .array else {
            if try parser.readNullIfAny() { return nil }
            try parser.skipValue()
            self = .invalid(Self.notAList)
            return
        }
        var more = try parser.beginArray()
        guard more else {
            self = .invalid(Self.notAList)
            return
        }
        // The first item tells a batch (a list of lists) from one list.
        guard try parser.nextKind() == .array else {
            var problem: String?
            let ids = try Self.readIDs(&parser, afterFirst: &more, problem: &problem)
            self = problem.map { .invalid($0) } ?? .one(ids)
            return
        }
        var lists: [[UInt32]] = []
        var problem: String?
        while more {
            if try parser.nextKind() == .array {
                var inList = try parser.beginArray()
                let ids = inList ? try Self.readIDs(&parser, afterFirst: &inList, problem: &problem) : []
                lists.append(ids)
            } else {
                if problem == nil { problem = Self.notALists }
                try parser.skipValue()
            }
            more = try parser.nextElement()
        }
        self = problem.map { .invalid($0) } ?? .batch(lists)
    }

    /// The items of a list already entered (`more` true: an item is next)
    /// up to its end; the first problem found, if any, goes to `problem`.
    private static func readIDs(
        _ parser: inout JSONParser, afterFirst more: inout Bool, problem: inout String?
    ) throws(JSONParser.Error) -> [UInt32] {
        var ids: [UInt32] = []
        while more {
            if let id = try parser.readPlainUInt32IfAny() {
                ids.append(id)
            } else {
                if problem == nil { problem = notAnID }
                try parser.skipValue()
            }
            more = try parser.nextElement()
        }
        return ids
    }

    func prompts() throws(ClientError) -> (GenerateBody.Prompts, Bool) {
        switch self {
        case .one(let ids): return (.ids([ids]), false)
        case .batch(let lists): return (.ids(lists), true)
        case .invalid(let message): throw ClientError(message)
        }
    }
}

/// `rid`: SGLang takes a string for one prompt and a list of strings for a batch.
private enum RidValue {
    case absent
    case one(String)
    case list([String])
    case invalid

    init(_ parser: inout JSONParser) throws(JSONParser.Error) {
        switch try parser.nextKind() {
        case .string:
            self = .one(try parser.readString())
        case .array:
            self = try parser.readStringList().map { .list($0) } ?? .invalid
        default:
            if try parser.readNullIfAny() {
                self = .absent
                return
            }
            try parser.skipValue()
            self = .invalid
        }
    }

    func rids(count: Int, isBatch: Bool) throws(ClientError) -> [String?] {
        switch self {
        // Mapped, not `Array(repeating:count:)`: that one allocates through
        // the standard library's unspecialized generic path (a type metadata
        // lookup, ~500 instructions more per request).
        case .absent: return (0..<count).map { _ in nil }
        case .one(let rid) where !isBatch: return [rid]
        case .list(let rids) where isBatch && rids.count == count: return rids
        default:
            throw ClientError(isBatch ? "\"rid\" must be a list of \(count) strings, one per prompt" : "\"rid\" must be a string")
        }
    }
}

/// `stream`: a boolean, or null for false.
private enum StreamValue {
    case absent
    case flag(Bool)
    case invalid

    init(_ parser: inout JSONParser) throws(JSONParser.Error) {
        if let flag = try parser.readBoolIfAny() {
            self = .flag(flag)
        } else if try parser.readNullIfAny() {
            self = .absent
        } else {
            try parser.skipValue()
            self = .invalid
        }
    }

    func flag() throws(ClientError) -> Bool {
        switch self {
        case .absent: return false
        case .flag(let flag): return flag
        case .invalid: throw ClientError("\"stream\" must be a boolean")
        }
    }
}

extension JSONParser {
    /// The array at hand, when every element is a string; nil (the array
    /// read to its end) when one is not.
    fileprivate mutating func readStringList() throws(JSONParser.Error) -> [String]? {
        var strings: [String]? = []
        var more = try beginArray()
        while more {
            if try nextKind() == .string, strings != nil {
                strings!.append(try readString())
            } else {
                strings = nil
                try skipValue()
            }
            more = try nextElement()
        }
        return strings
    }
}
