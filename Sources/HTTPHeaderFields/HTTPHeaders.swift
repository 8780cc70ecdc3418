/// An ordered list of header fields, kept as the bytes they travel as:
/// every field is one `Name: value\r\n` line of a single buffer, found by
/// its offsets. A parser appends the bytes it reads (no `String` per name
/// or value), a proxy drops fields by comparing bytes and spells the rest
/// by copying lines, and a field becomes a `String` only when someone asks
/// for it by name. Names compare case-insensitively.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    /// Where one field's line is in `bytes`: the name at `start`, then
    /// `": "`, the value, and `"\r\n"`.
    struct Field: Sendable {
        var start: UInt32
        var nameLength: UInt32
        var valueLength: UInt32

        var nameRange: Range<Int> { Int(start)..<Int(start + nameLength) }
        var valueRange: Range<Int> {
            let valueStart = Int(start + nameLength) + 2
            return valueStart..<valueStart + Int(valueLength)
        }
        var lineRange: Range<Int> { Int(start)..<Int(start + nameLength + valueLength) + 4 }

        /// Whether its name, in `bytes`, is `name` (ASCII case ignored). A
        /// name of another length is told apart by the length alone, before
        /// any slice of `bytes` is made: most lookups pass most fields so.
        @inline(__always)
        func isNamed(_ name: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            Int(nameLength) == name.count && sameBytesIgnoringASCIICase(UnsafeBufferPointer(rebasing: bytes[nameRange]), name)
        }
    }

    /// Every line ever added; a removed field's line stays, unreferenced.
    var bytes: [UInt8] = []
    /// The fields, in order.
    var fields: [Field] = []

    public init() {}

    public init(_ fields: [(name: String, value: String)]) {
        for field in fields { add(field.name, field.value) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    public init(arrayLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    public var count: Int { fields.count }
    public var underestimatedCount: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    // MARK: lookups by name

    /// The first value of the fields called `name`.
    public subscript(name: String) -> String? {
        var name = name
        return name.withUTF8 { name in firstIndex(named: name).map { value(at: $0) } }
    }

    public func values(_ name: String) -> [String] {
        var name = name
        return name.withUTF8 { name in fields.indices.filter { hasName(name, at: $0) }.map(value(at:)) }
    }

    /// How many fields are called `name`.
    public func count(named name: String) -> Int {
        var name = name
        return name.withUTF8 { name in fields.indices.reduce(0) { hasName(name, at: $1) ? $0 + 1 : $0 } }
    }

    public func contains(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { firstIndex(named: $0) != nil }
    }

    /// Whether some field's name is `name` (ASCII case ignored).
    public func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool { firstIndex(named: name) != nil }

    /// True when a comma-separated header (e.g. `Connection`) lists `token`.
    public func listContains(_ name: String, token: String) -> Bool {
        var token = token
        return token.withUTF8 { listContains(name, token: $0) }
    }

    /// The same, for a token given as bytes (a field name read in place).
    public func listContains(_ name: String, token: UnsafeBufferPointer<UInt8>) -> Bool {
        containsListElement(of: name) { sameBytesIgnoringASCIICase($0, token) }
    }

    /// Whether some element of the comma-separated fields called `name`
    /// (trimmed, not empty) satisfies `predicate`.
    public func containsListElement(of name: String, where predicate: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var name = name
        return name.withUTF8 { name in
            bytes.withUnsafeBufferPointer { bytes in
                for field in fields where field.isNamed(name, in: bytes) {
                    if UnsafeBufferPointer(rebasing: bytes[field.valueRange]).containsListElement(where: predicate) { return true }
                }
                return false
            }
        }
    }

    // MARK: changes

    public mutating func add(_ name: String, _ value: String) {
        var name = name, value = value
        name.withUTF8 { name in value.withUTF8 { value in add(name: name, value: value) } }
    }

    /// Appends a field spelled by its bytes.
    public mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        let start = bytes.count
        let lineLength = name.count + value.count + 4
        // Doubling, and room for a short field more past this one.
        if bytes.capacity < start + lineLength { bytes.reserveCapacity(Swift.max(2 * bytes.capacity, start + lineLength + 64)) }
        bytes.append(contentsOf: name)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: value)
        bytes.append(UInt8(ascii: "\r"))
        bytes.append(UInt8(ascii: "\n"))
        fields.append(Field(start: UInt32(start), nameLength: UInt32(name.count), valueLength: UInt32(value.count)))
    }

    /// Replaces every field called `name` with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        var name = name
        name.withUTF8 { name in removeAll(whereName: { sameBytesIgnoringASCIICase($0, name) }) }
    }

    /// Room for a usual head at once, not several regrowths.
    mutating func reserveForFirstField() {
        guard fields.isEmpty, bytes.isEmpty else { return }
        bytes.reserveCapacity(256)
        fields.reserveCapacity(8)
    }

    // MARK: reading as text

    public func makeIterator() -> Iterator { Iterator(headers: self) }

    public struct Iterator: IteratorProtocol {
        let headers: HTTPHeaders
        var index = 0

        public mutating func next() -> (name: String, value: String)? {
            guard index < headers.fields.count else { return nil }
            defer { index += 1 }
            return (name: headers.name(at: index), value: headers.value(at: index))
        }
    }

    func name(at index: Int) -> String { String(decoding: bytes[fields[index].nameRange], as: UTF8.self) }
    func value(at index: Int) -> String { String(decoding: bytes[fields[index].valueRange], as: UTF8.self) }

    private func hasName(_ name: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        bytes.withUnsafeBufferPointer { fields[index].isNamed(name, in: $0) }
    }

    private func firstIndex(named name: UnsafeBufferPointer<UInt8>) -> Int? {
        bytes.withUnsafeBufferPointer { bytes in
            fields.firstIndex { $0.isNamed(name, in: bytes) }
        }
    }
}
