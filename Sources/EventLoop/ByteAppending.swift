extension Array where Element == UInt8 {
    /// Appends `text`'s UTF-8 bytes with one copy from the string's own
    /// storage: message heads are spelled from strings for every request,
    /// and appending a `String.UTF8View` goes byte by byte through the
    /// generic path. Inlinable, so that it is specialized where it is used.
    @inlinable
    public mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    @inlinable
    public mutating func appendUTF8(_ text: Substring) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends a fixed spelling (`"\r\n"`, `"Content-Length: "`): its bytes
    /// are in the binary, where a constant array would be retained and
    /// released around every append.
    @inlinable
    public mutating func appendUTF8(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }
}
