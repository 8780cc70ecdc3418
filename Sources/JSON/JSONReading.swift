/// Reading a document value by value, without building a `JSONValue` tree:
/// for callers that want a few members of a large answer straight into
/// their own arrays. The same strict rules as `parse`: whatever is skipped
/// is checked all the same, so a document `parse` refuses is refused here.
extension JSONParser {
    public enum ValueKind: Sendable { case object, array, string, number, literal }

    /// A member's name, as the document spells it when it is plain ASCII
    /// (no allocation), else decoded.
    public struct Key {
        /// Where the name's opening quote lies in the document.
        public let start: Int
        @usableFromInline let ascii: UnsafeRawBufferPointer
        @usableFromInline let decoded: String?

        @usableFromInline init(start: Int, ascii: UnsafeRawBufferPointer, decoded: String?) {
            self.start = start
            self.ascii = ascii
            self.decoded = decoded
        }

        public var string: String { decoded ?? String(decoding: ascii, as: UTF8.self) }

        @inlinable @inline(__always) public static func == (key: Key, name: StaticString) -> Bool {
            let expected = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            if let decoded = key.decoded { return decoded.utf8.elementsEqual(expected) }
            // Most names a reader compares differ in length or first byte:
            // an indexed loop, not a generic sequence comparison.
            guard key.ascii.count == expected.count else { return false }
            for offset in 0..<expected.count where key.ascii[offset] != expected[offset] { return false }
            return true
        }
    }

    /// Reads `bytes` as one JSON value through `read`, which must consume
    /// exactly that value; nothing but whitespace may follow it.
    @inlinable public static func read<Value>(
        _ bytes: UnsafeRawBufferPointer, _ read: (inout JSONParser) throws(Error) -> Value
    ) throws(Error) -> Value {
        var parser = JSONParser(bytes)
        let value = try read(&parser)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the value") }
        return value
    }

    /// The kind of the next value, which is not consumed.
    @inlinable @inline(__always) public mutating func nextKind() throws(Error) -> ValueKind {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return .literal
        default: return .number
        }
    }

    /// Reads an object: `member` is called with each name and must consume its value.
    @inlinable public mutating func readMembers(_ member: (inout JSONParser, Key) throws(Error) -> Void) throws(Error) {
        guard try nextKind() == .object else { throw error("expected an object") }
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return leave()
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try readKey()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            try member(&self, key)
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; break }
            throw error("expected ',' or '}'")
        }
        leave()
    }

    /// Reads an array: `element` is called for each item and must consume it.
    @inlinable public mutating func readElements(_ element: (inout JSONParser) throws(Error) -> Void) throws(Error) {
        var more = try beginArray()
        while more {
            try element(&self)
            more = try nextElement()
        }
    }

    /// Enters an array, for a loop without closures (hot lists):
    /// `var more = try beginArray(); while more { read one item; more = try nextElement() }`.
    /// Whether it has an item to read.
    @inlinable @inline(__always) public mutating func beginArray() throws(Error) -> Bool {
        guard try nextKind() == .array else { throw error("expected an array") }
        try enter()
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "]") else { return true }
        index += 1
        leave()
        return false
    }

    /// After an array's item: whether another follows (else the array is left).
    @inlinable @inline(__always) public mutating func nextElement() throws(Error) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw error("unterminated array") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
        index += 1
        leave()
        return false
    }

    /// Reads a string value.
    public mutating func readString() throws(Error) -> String {
        guard try nextKind() == .string else { throw error("expected a string") }
        return try parseString()
    }

    /// Reads a string value and tells whether it is `literal`: a plain ASCII
    /// one is compared where it lies, without building a `String`.
    public mutating func readString(equals literal: StaticString) throws(Error) -> Bool {
        guard try nextKind() == .string else { throw error("expected a string") }
        let end = firstByteNotPlainASCII(in: bytes, from: index + 1)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
            // Escapes or other text: compared as `String`s are.
            return try parseString() == literal.description
        }
        let text = UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<end])
        index = end + 1
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        return text.count == expected.count && text.elementsEqual(expected)
    }

    /// Reads a number value: its bytes as written, valid as long as the document's.
    @inlinable @inline(__always) public mutating func readNumber() throws(Error) -> UnsafeRawBufferPointer {
        guard try nextKind() == .number else { throw error("expected a number") }
        return UnsafeRawBufferPointer(rebasing: bytes[try scanNumber()])
    }

    /// Reads a number value as the nearest double (nil if out of range, as `Double(String)`).
    public mutating func readDouble() throws(Error) -> Double? {
        guard try nextKind() == .number else { throw error("expected a number") }
        // Converted as it is scanned when it can be; else scanned (and checked), then converted.
        if let (value, end) = JSONNumber.scan(bytes, from: index) {
            index = end
            return value
        }
        return Double(String(decoding: bytes[try scanNumber()], as: UTF8.self))
    }

    /// Where the reader stands: the offset of the next byte to read (after
    /// a value, where the value ended).
    public var offset: Int { index }

    /// Reads the next value if it is `true` or `false`; nil (nothing read) for anything else.
    public mutating func readBoolIfAny() throws(Error) -> Bool? {
        guard try nextKind() == .literal else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "t"): try expect("true"); return true
        case UInt8(ascii: "f"): try expect("false"); return false
        default: return nil
        }
    }

    /// Moves past the next value if it is `null`; whether it was.
    public mutating func readNullIfAny() throws(Error) -> Bool {
        guard try nextKind() == .literal, bytes[index] == UInt8(ascii: "n") else { return false }
        try expect("null")
        return true
    }

    /// Moves past the next value, checking it as `parse` would. A number
    /// and `null`, the values skipped most (ids and texts beside
    /// log-probabilities), are passed at once.
    @inlinable @inline(__always) public mutating func skipValue() throws(Error) {
        switch try nextKind() {
        case .number: _ = try scanNumber()
        case .literal where isNull(at: index): index += 4
        default: try skipNonNumber()
        }
    }

    /// Whether `null` is spelled at `offset`: one 4-byte comparison.
    @inlinable @inline(__always) func isNull(at offset: Int) -> Bool {
        offset + 4 <= bytes.count
            && bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self) == UInt32(littleEndian: 0x6C6C_756E)
    }

    /// Reads the next value if it is plain digits (no sign, point or
    /// exponent) for an integer that fits 32 bits: token ids, read by the
    /// hundred. Nil, nothing read, for anything else, which the caller
    /// reads as a number as before (and so gets its errors, `01` say).
    @inlinable @inline(__always) public mutating func readPlainUInt32IfAny() throws(Error) -> UInt32? {
        guard try nextKind() == .number, let (value, end) = plainInteger(at: index), value <= UInt64(UInt32.max) else {
            return nil
        }
        index = end
        return UInt32(value)
    }

    /// The unsigned integer spelled by the plain digits at `start` (no sign,
    /// no leading zero, no fraction or exponent after them; at most 19
    /// digits, so that it fits 64 bits) and where it ends; nil for anything else.
    @inlinable @inline(__always) func plainInteger(at start: Int) -> (value: UInt64, end: Int)? {
        guard start < bytes.count else { return nil }
        // Over the base pointer: the buffer's subscript tests it for nil at every byte.
        let base = bytes.baseAddress.unsafelyUnwrapped, count = bytes.count
        var end = start, value: UInt64 = 0
        while end < count {
            let digit = base.load(fromByteOffset: end, as: UInt8.self) &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ UInt64(digit)
            end &+= 1
        }
        let digits = end &- start
        guard digits > 0, digits <= 19, digits == 1 || base.load(fromByteOffset: start, as: UInt8.self) != UInt8(ascii: "0")
        else { return nil }
        if end < count {
            let next = base.load(fromByteOffset: end, as: UInt8.self)
            if next == UInt8(ascii: ".") || next | 0x20 == UInt8(ascii: "e") { return nil }
        }
        return (value, end)
    }

    /// Reads the next value if it is a list of arrays each led by a number
    /// and followed only by plain unsigned integers and nulls, as SGLang
    /// spells the generated tokens' log-probabilities (`[[-0.0069, 220, null],
    /// …]`): appends each array's number to `numbers`, the nearest double as
    /// `readDouble` gives it. False, nothing read and `numbers` as it was,
    /// for anything else (or a number `readDouble` converts the slow way),
    /// which the caller reads in general and so gets its errors. One pass,
    /// without the general reader's dispatch on every value: an answer holds
    /// one such array per generated token.
    public mutating func readNumberLedArraysIfPlain(into numbers: inout [Double]) -> Bool {
        // The list and its arrays count toward the nesting limit as `enter` counts them.
        readListIfPlain(levels: 2, into: &numbers) { parser, start in parser.numberLedArray(at: start) }
    }

    /// Reads the next value if it is a list of plain digits for integers that
    /// fit 32 bits (token ids, each as `readPlainUInt32IfAny` reads one):
    /// appends them to `values`. False, nothing read and `values` as it was,
    /// for anything else, which the caller reads in general.
    public mutating func readPlainUInt32sIfAll(into values: inout [UInt32]) -> Bool {
        readListIfPlain(levels: 1, into: &values) { parser, start in
            guard let (value, end) = parser.plainInteger(at: start), value <= UInt64(UInt32.max) else { return nil }
            return (UInt32(value), end)
        }
    }

    /// Reads the list at the next value if `item` reads each of its items
    /// (from where the item starts: the item and where it ends), appending
    /// them to `items`; else nothing read, `items` as it was, and false.
    /// `levels` is how deep the list and its items nest, checked against the
    /// limit as `enter` checks it.
    @inline(__always)
    private mutating func readListIfPlain<Item>(
        levels: Int, into items: inout [Item], item: (JSONParser, Int) -> (Item, end: Int)?
    ) -> Bool {
        guard depth &+ levels <= Self.maxDepth else { return false }
        let count = bytes.count, kept = items.count
        var next = afterWhitespace(index)
        guard next < count, byte(at: next) == UInt8(ascii: "[") else { return false }
        next = afterWhitespace(next &+ 1)
        if next < count, byte(at: next) == UInt8(ascii: "]") {
            index = next &+ 1
            return true
        }
        while let (read, end) = item(self, next) {
            items.append(read)
            next = afterWhitespace(end)
            guard next < count else { break }
            if byte(at: next) == UInt8(ascii: ",") {
                next = afterWhitespace(next &+ 1)
                continue
            }
            guard byte(at: next) == UInt8(ascii: "]") else { break }
            index = next &+ 1
            return true
        }
        items.removeSubrange(kept...)
        return false
    }

    /// The array at `start` if it holds a number followed only by plain
    /// unsigned integers and nulls: the number and where the array ends.
    @inline(__always)
    private func numberLedArray(at start: Int) -> (value: Double, end: Int)? {
        let count = bytes.count
        guard start < count, byte(at: start) == UInt8(ascii: "["),
            let (value, numberEnd) = JSONNumber.scan(bytes, from: afterWhitespace(start &+ 1))
        else { return nil }
        var next = afterWhitespace(numberEnd)
        while next < count, byte(at: next) == UInt8(ascii: ",") {
            let item = afterWhitespace(next &+ 1)
            if isNull(at: item) {
                next = afterWhitespace(item &+ 4)
            } else if let (_, end) = plainInteger(at: item) {
                next = afterWhitespace(end)
            } else {
                return nil
            }
        }
        guard next < count, byte(at: next) == UInt8(ascii: "]") else { return nil }
        return (value, next &+ 1)
    }

    /// The byte at `offset`, which must lie within the document: over the
    /// base pointer, as the buffer's subscript tests it for nil at every byte.
    @inline(__always)
    private func byte(at offset: Int) -> UInt8 {
        bytes.baseAddress.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// The first offset from `offset` on that holds no whitespace (or the document's end).
    @inline(__always)
    private func afterWhitespace(_ offset: Int) -> Int {
        var offset = offset
        while offset < bytes.count {
            switch byte(at: offset) {
            case 0x20, 0x09, 0x0A, 0x0D: offset &+= 1
            default: return offset
            }
        }
        return offset
    }

    @usableFromInline mutating func skipNonNumber() throws(Error) {
        switch try nextKind() {
        case .object: try readMembers { parser, _ throws(Error) in try parser.skipValue() }
        case .array: try readElements { parser throws(Error) in try parser.skipValue() }
        case .string: try skipString()
        case .number: _ = try scanNumber()
        case .literal:
            switch bytes[index] {
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            default: try expect("null")
            }
        }
    }

    /// Moves past a string: one of plain ASCII needs no `String` built.
    private mutating func skipString() throws(Error) {
        var ascii = true
        let end = firstByteNeedingEscape(in: bytes, from: index + 1, ascii: &ascii)
        if end < bytes.count, bytes[end] == UInt8(ascii: "\""), ascii {
            index = end + 1
            return
        }
        _ = try parseString()
    }

    /// A member name: plain ASCII without escapes is taken where it lies.
    @usableFromInline mutating func readKey() throws(Error) -> Key {
        let start = index
        let end = firstByteNotPlainASCII(in: bytes, from: start + 1)
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            index = end + 1
            return Key(start: start, ascii: UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<end]), decoded: nil)
        }
        return Key(start: start, ascii: UnsafeRawBufferPointer(start: nil, count: 0), decoded: try parseString())
    }
}
