import JSON

extension Value {
    /// The value Python's `json.loads` gives: integers stay `int`, numbers
    /// with a fraction or exponent become `float`. Objects become dicts that
    /// convert their members only when read.
    public init(json: JSONValue) throws(TemplateError) {
        try Self.checkNumbers(in: json)
        self.init(checkedJSON: json)
    }

    /// Refuses a number Python would read but this engine cannot hold, anywhere in `json`,
    /// so that converting its parts later, as a template reads them, cannot fail.
    static func checkNumbers(in json: JSONValue) throws(TemplateError) {
        switch json {
        case .null, .bool, .string: return
        case .number(let text): try check(text)
        case .array(let items): try checkNumbers(in: items)
        case .object(let members): try checkNumbers(in: members)
        }
    }

    // The walk reads the values in place: copying each out of its array retained
    // and released it, most of the walk's cost (callgrind).
    private static func checkNumbers(in items: [JSONValue]) throws(TemplateError) {
        try items.withUnsafeBufferPointer { (items) throws(TemplateError) in
            for position in items.indices {
                switch items[position] {
                case .null, .bool, .string: continue
                case .number(let text): try check(text)
                case .array(let inner): try checkNumbers(in: inner)
                case .object(let members): try checkNumbers(in: members)
                }
            }
        }
    }

    private static func checkNumbers(in members: [(key: String, value: JSONValue)]) throws(TemplateError) {
        try members.withUnsafeBufferPointer { (members) throws(TemplateError) in
            for position in members.indices {
                switch members[position].value {
                case .null, .bool, .string: continue
                case .number(let text): try check(text)
                case .array(let inner): try checkNumbers(in: inner)
                case .object(let inner): try checkNumbers(in: inner)
                }
            }
        }
    }

    private static func check(_ number: String) throws(TemplateError) {
        // Converting every number here cost more than the rest of the walk;
        // only a long integer or a float can fail.
        guard number.utf8.count > 18 || isFloat(number), Self.number(number) == nil else { return }
        throw .render(isFloat(number) ? "bad number \(number)" : "integer \(number) is out of range")
    }

    /// `json` whose numbers `checkNumbers` accepted.
    init(checkedJSON json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let flag): self = .bool(flag)
        case .string(let text): self = .string(text)
        // Checked already: the fallback is never taken.
        case .number(let text): self = Self.number(text) ?? .none
        case .array(let items): self = .list(items.map(Value.init(checkedJSON:)))
        case .object(let members): self = .dict(Dict(checkedJSON: members))
        }
    }

    private static func isFloat(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    private static func number(_ text: String) -> Value? {
        if isFloat(text) { return Double(text).map { .double($0) } }
        return Int(text).map { .int($0) }
    }
}
