/// An ordered list of header fields; names compare case-insensitively.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public var count: Int { fields.count }
    public var underestimatedCount: Int { fields.count }

    public subscript(name: String) -> String? {
        fields.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func add(_ name: String, _ value: String) {
        // Room for a usual request's fields at once, not four regrowths.
        if fields.isEmpty { fields.reserveCapacity(8) }
        fields.append((name: name, value: value))
    }

    /// Replaces every field called `name` with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    public mutating func removeAll(where predicate: (String) -> Bool) {
        fields.removeAll { predicate($0.name) }
    }

    /// True when a comma-separated header (e.g. `Connection`) lists `token`.
    /// Asked for every request (`Expect`), so it reads the values in place.
    public func listContains(_ name: String, token: String) -> Bool {
        fields.contains { $0.name.equalsIgnoringASCIICase(name) && $0.value.listContains(token) }
    }
}

extension String {
    /// Runs for every header of every proxied request and answer, so it
    /// compares the strings' own bytes (`withUTF8` copies nothing for a
    /// native string or a literal) in a plain loop.
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var a = self, b = other
        return a.withUTF8 { a in b.withUTF8 { b in sameBytesIgnoringASCIICase(a, b) } }
    }

    /// The elements of a comma-separated field value (`close, x-trace`),
    /// without the spaces and tabs around them; empty elements are left out.
    /// Split by bytes: a field value is no text to segment into characters.
    public var listElements: [String] {
        utf8.split(separator: UInt8(ascii: ",")).map(trimmingOptionalWhitespace).filter { !$0.isEmpty }.map(String.init)
    }

    /// Whether this comma-separated field value lists `token` (ASCII case
    /// ignored), read in place: no element becomes a `String`.
    public func listContains(_ token: String) -> Bool {
        var token = token
        return token.withUTF8 { token in containsListElement { sameBytesIgnoringASCIICase($0, token) } }
    }

    /// Whether some element of this comma-separated field value, without
    /// the spaces and tabs around it and not empty, satisfies `predicate`.
    private func containsListElement(where predicate: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var value = self
        return value.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
                var first = start, last = end
                while first < last, isOptionalWhitespace(bytes[first]) { first += 1 }
                while last > first, isOptionalWhitespace(bytes[last - 1]) { last -= 1 }
                if first < last, predicate(UnsafeBufferPointer(rebasing: bytes[first..<last])) { return true }
                start = end + 1
            }
            return false
        }
    }

    public func trimmingASCIISpaces() -> String { String(trimmingOptionalWhitespace(self[...].utf8)) }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes spell `lowercase` (an ASCII name written in
    /// lower case), ASCII letters' case ignored: a field name picked out of
    /// a fixed set, compared without making a `String` of the literal.
    public func equalsIgnoringASCIICase(lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { sameBytesIgnoringASCIICase(self, $0) }
    }
}

/// Whether `a` and `b` hold the same bytes, ASCII letters' case ignored.
private func sameBytesIgnoringASCIICase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for index in 0..<a.count where !sameIgnoringASCIICase(a[index], b[index]) { return false }
    return true
}

private func isOptionalWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

private func sameIgnoringASCIICase(_ x: UInt8, _ y: UInt8) -> Bool {
    x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7a)
}

/// `bytes` without the spaces and tabs (the whitespace HTTP allows around
/// field values and list elements) at either end.
private func trimmingOptionalWhitespace(_ bytes: Substring.UTF8View) -> Substring {
    let start = bytes.drop(while: isOptionalWhitespace)
    guard let last = start.lastIndex(where: { !isOptionalWhitespace($0) }) else { return "" }
    return Substring(start[...last])
}
