import JSON

extension Value {
    /// The value Python's `json.loads` gives: integers stay `int`, numbers
    /// with a fraction or exponent become `float`.
    public init(json: JSONValue) throws(TemplateError) {
        switch json {
        case .null: self = .none
        case .bool(let flag): self = .bool(flag)
        case .string(let text): self = .string(text)
        case .number(let text):
            if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                guard let number = Double(text) else { throw .render("bad number \(text)") }
                self = .double(number)
            } else {
                guard let number = Int(text) else { throw .render("integer \(text) is out of range") }
                self = .int(number)
            }
        case .array(let items):
            self = .list(try items.map { item throws(TemplateError) in try Value(json: item) })
        case .object(let members):
            var dict = Dict(capacity: members.count)
            for member in members { dict.set(member.key, try Value(json: member.value)) }
            self = .dict(dict)
        }
    }
}
