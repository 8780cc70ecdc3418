/// Comparisons of header names and list values on their bytes: ASCII case
/// ignored, as HTTP field names and tokens are, with no lowercased copies.
extension String {
    /// Compares the strings' own bytes (`withUTF8` copies nothing for a
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

    public func trimmingASCIISpaces() -> String { String(trimmingOptionalWhitespace(self[...].utf8)) }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether some element of this comma-separated field value, without
    /// the spaces and tabs around it and not empty, satisfies `predicate`.
    func containsListElement(where predicate: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var start = 0
        while start < count {
            var end = start
            while end < count, self[end] != UInt8(ascii: ",") { end += 1 }
            var first = start, last = end
            while first < last, isOptionalWhitespace(self[first]) { first += 1 }
            while last > first, isOptionalWhitespace(self[last - 1]) { last -= 1 }
            if first < last, predicate(UnsafeBufferPointer(rebasing: self[first..<last])) { return true }
            start = end + 1
        }
        return false
    }
}

/// Whether `a` and `b` hold the same bytes, ASCII letters' case ignored.
@usableFromInline
func sameBytesIgnoringASCIICase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
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
