import JSON

extension RequestStore {
    /// Adds `json` and everything in it; returns its node. Numbers become what
    /// Python's `json.loads` gives (integers `int`, numbers with a fraction or
    /// exponent `float`); one this engine cannot hold is refused here, before
    /// the render starts.
    func add(_ json: JSONValue) throws(TemplateError) -> Int32 {
        try withUnsafePointer(to: json) { (json) throws(TemplateError) in try add(at: json) }
    }

    /// The JSON is read where it lies, through pointers: each value passed on
    /// as a value was retained and released around the call that added it,
    /// three times as many as the strings the store keeps.
    private func add(at json: UnsafePointer<JSONValue>) throws(TemplateError) -> Int32 {
        switch json.pointee {
        case .null: return addNode(.none)
        case .bool(let flag): return addNode(.bool(flag))
        case .number(let text): return addNode(try Self.number(text))
        case .string(let text): return addNode(.string(add(text)))
        case .array(let items): return try add(items)
        case .object(let members): return try add(members)
        }
    }

    private func add(_ items: [JSONValue]) throws(TemplateError) -> Int32 {
        // The list's range first, so that what its items hold goes after it.
        let start = elements.count
        elements.append(repeating: 0, count: items.count)
        try items.withUnsafeBufferPointer { (items) throws(TemplateError) in
            guard let base = items.baseAddress else { return }
            for offset in items.indices { elements[start + offset] = try add(at: base + offset) }
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
        let count = try fields.withUnsafeBufferPointer { (fields) throws(TemplateError) in
            for position in fields.indices { members.append(member(named: Self.key(of: fields.baseAddress! + position))) }
            if let last { addMember(last.key, last.value) }
            let count = members.count - start
            for position in fields.indices {
                members[fieldsStart + position].value = try add(at: Self.value(of: fields.baseAddress! + position))
            }
            return count
        }
        return addNode(.dict(start: Int32(start), count: Int32(count)))
    }

    /// A JSON object's member, read through a pointer: its key, its value.
    private typealias Field = (key: String, value: JSONValue)
    private static let valueOffset = MemoryLayout<Field>.offset(of: \Field.value)!

    private static func key(of field: UnsafePointer<Field>) -> UnsafePointer<String> {
        UnsafeRawPointer(field).assumingMemoryBound(to: String.self)
    }

    private static func value(of field: UnsafePointer<Field>) -> UnsafePointer<JSONValue> {
        (UnsafeRawPointer(field) + valueOffset).assumingMemoryBound(to: JSONValue.self)
    }

    private func add(_ text: String) -> Int32 {
        strings.append(text)
        return Int32(strings.count - 1)
    }

    private func addMember(_ key: String, _ value: Int32) {
        var member = withUnsafePointer(to: key) { self.member(named: $0) }
        member.value = value
        members.append(member)
    }

    /// A member named `key`, its key stored once per request: messages repeat
    /// a few keys, and storing each and computing its code was most of reading
    /// a message. Identical bits are the same string (short keys are held inline),
    /// compared where the key lies: only a new key is copied.
    /// The first keys only are remembered, so a schema of many keys costs no square.
    private func member(named key: UnsafePointer<String>) -> Member {
        let bits = UnsafeRawPointer(key).load(as: (UInt64, UInt64).self)
        for position in 0..<keys.count where keys[position].bits == bits { return keys[position].member }
        let member = Member(key: add(key.pointee), code: Name.key(of: key.pointee), value: 0)
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
