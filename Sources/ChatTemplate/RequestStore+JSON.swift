import JSON

extension RequestStore {
    /// Adds `json` and everything in it; returns its node. Numbers become what
    /// Python's `json.loads` gives (integers `int`, numbers with a fraction or
    /// exponent `float`); one this engine cannot hold is refused here, before
    /// the render starts.
    func add(_ json: JSONValue) throws(TemplateError) -> Int32 {
        switch json {
        case .null: return addNode(.none)
        case .bool(let flag): return addNode(.bool(flag))
        case .number(let text): return addNode(try Self.number(text))
        case .string(let text): return addNode(.string(add(text)))
        case .array(let items): return try add(items)
        case .object(let members): return try add(members)
        }
    }

    // Both read the JSON in place: copying each value out of its array retained and released it.
    private func add(_ items: [JSONValue]) throws(TemplateError) -> Int32 {
        // The list's range first, so that what its items hold goes after it.
        let start = elements.count
        elements.append(repeating: 0, count: items.count)
        try items.withUnsafeBufferPointer { (items) throws(TemplateError) in
            for offset in items.indices { elements[start + offset] = try add(items[offset]) }
        }
        return addNode(.list(start: Int32(start), count: Int32(items.count), step: 1))
    }

    /// A dict of `fields`, after `first` and before `last` (a message's reasoning, see `ChatTemplates`).
    func add(
        _ fields: [(key: String, value: JSONValue)], first: (key: String, value: Int32)? = nil, last: (key: String, value: Int32)? = nil
    ) throws(TemplateError) -> Int32 {
        // The dict's range first, so that what its members hold goes after it.
        let start = members.count
        if let first { addMember(first.key, first.value) }
        let fieldsStart = members.count
        for position in fields.indices { addMember(fields[position].key, 0) }
        if let last { addMember(last.key, last.value) }
        let count = members.count - start
        try fields.withUnsafeBufferPointer { (fields) throws(TemplateError) in
            for position in fields.indices { members[fieldsStart + position].value = try add(fields[position].value) }
        }
        return addNode(.dict(start: Int32(start), count: Int32(count)))
    }

    private func add(_ text: String) -> Int32 {
        strings.append(text)
        return Int32(strings.count - 1)
    }

    private func addMember(_ key: String, _ value: Int32) {
        var member = self.key(key)
        member.value = value
        members.append(member)
    }

    /// A member named `key`, its key stored once per request: messages repeat
    /// a few keys, and storing each and computing its code was most of reading
    /// a message. Identical bits are the same string (short keys are held inline).
    /// The first keys only are remembered, so a schema of many keys costs no square.
    private func key(_ key: String) -> Member {
        let bits = unsafeBitCast(key, to: (UInt64, UInt64).self)
        for position in 0..<keys.count where keys[position].bits == bits { return keys[position].member }
        let member = Member(key: add(key), code: Name.key(of: key), value: 0)
        if keys.count < Self.rememberedKeys { keys.append((bits, member)) }
        return member
    }

    private static let rememberedKeys = 32

    private static func number(_ text: String) throws(TemplateError) -> Node {
        let isFloat = text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if isFloat {
            guard let number = Double(text) else { throw .render("bad number \(text)") }
            return .double(number)
        }
        guard let number = Int(text) else { throw .render("integer \(text) is out of range") }
        return .int(number)
    }
}

extension Value {
    /// The value Python's `json.loads` gives, converted through a store of its own.
    public init(json: JSONValue) throws(TemplateError) {
        let store = RequestStore()
        self = store.converted(try store.add(json))
    }
}
