import Glibc

/// A strict JSON parser (RFC 8259) over UTF-8 bytes: rejects invalid UTF-8,
/// trailing garbage, unescaped control characters and excessive nesting.
public struct JSONParser {
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public let message: String
        public let offset: Int
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    // Internal, and visible to the inlined readers of `JSONReading.swift`.
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var index = 0
    @usableFromInline var depth = 0
    @usableFromInline static let maxDepth = 512

    @usableFromInline init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes)
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the value") }
        return value
    }

    public static func parse(_ bytes: [UInt8]) throws(Error) -> JSONValue {
        try bytes.withUnsafeBytes { buffer in Result { () throws(Error) in try parse(buffer) } }.get()
    }

    public static func parse(_ text: String) throws(Error) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// The members of a top-level object with the byte range each one
    /// occupies (from its key's opening quote to its value's end), so that a
    /// caller can rewrite some members and keep the others byte for byte.
    public static func parseObjectMembers(_ bytes: UnsafeRawBufferPointer) throws(Error) -> [ObjectMember] {
        try read(bytes) { parser throws(Error) in
            guard try parser.nextKind() == .object else { throw parser.error("expected a JSON object") }
            var members: [ObjectMember] = []
            try parser.readMembers { parser, key throws(Error) in
                let value = try parser.parseValue()
                members.append(ObjectMember(key: key.string, value: value, range: key.start..<parser.index))
            }
            return members
        }
    }

    public struct ObjectMember: Sendable {
        public let key: String
        public let value: JSONValue
        /// Bytes of `"key": value` in the source.
        public let range: Range<Int>
    }

    @usableFromInline func error(_ message: String) -> Error { Error(message: message, offset: index) }

    @inlinable @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(Error) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    @usableFromInline mutating func expect(_ literal: StaticString) throws(Error) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count else { throw error("invalid literal") }
        for offset in 0..<expected.count where bytes[index + offset] != expected[offset] { throw error("invalid literal") }
        index += expected.count
    }

    @inlinable mutating func enter() throws(Error) {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth)") }
    }

    @inlinable mutating func leave() { depth -= 1 }

    private mutating func parseObject() throws(Error) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        try readMembers { parser, key throws(Error) in
            // Room for the small objects of answers (`finish_reason`) at once.
            if members.isEmpty { members.reserveCapacity(4) }
            members.append((key: key.string, value: try parser.parseValue()))
        }
        return .object(members)
    }

    private mutating func parseArray() throws(Error) -> JSONValue {
        var values: [JSONValue] = []
        try readElements { parser throws(Error) in
            // Room for a small array at once: answers hold one short array per
            // generated token (`[logprob, id, text]`), which would regrow twice.
            if values.isEmpty { values.reserveCapacity(4) }
            values.append(try parser.parseValue())
        }
        return .array(values)
    }

    private mutating func parseNumber() throws(Error) -> String {
        let range = try scanNumber()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Moves past a number, returning where it lies. Scanned over the base
    /// pointer with a local offset (stored back before any error, which
    /// reports where the scan stopped).
    @usableFromInline mutating func scanNumber() throws(Error) -> Range<Int> {
        let start = index, count = bytes.count
        guard let base = bytes.baseAddress else { throw error("invalid value") }
        func isDigit(at offset: Int) -> Bool { offset < count && base.load(fromByteOffset: offset, as: UInt8.self) &- 0x30 < 10 }
        func isByte(_ byte: UInt8, at offset: Int) -> Bool { offset < count && base.load(fromByteOffset: offset, as: UInt8.self) == byte }
        var offset = start
        if isByte(UInt8(ascii: "-"), at: offset) { offset &+= 1 }
        guard isDigit(at: offset) else {
            index = offset
            throw error("invalid value")
        }
        if isByte(UInt8(ascii: "0"), at: offset) {
            offset &+= 1
        } else {
            repeat { offset &+= 1 } while isDigit(at: offset)
        }
        if isByte(UInt8(ascii: "."), at: offset) {
            offset &+= 1
            guard isDigit(at: offset) else {
                index = offset
                throw error("invalid number")
            }
            repeat { offset &+= 1 } while isDigit(at: offset)
        }
        if isByte(UInt8(ascii: "e"), at: offset) || isByte(UInt8(ascii: "E"), at: offset) {
            offset &+= 1
            if isByte(UInt8(ascii: "+"), at: offset) || isByte(UInt8(ascii: "-"), at: offset) { offset &+= 1 }
            guard isDigit(at: offset) else {
                index = offset
                throw error("invalid number")
            }
            repeat { offset &+= 1 } while isDigit(at: offset)
        }
        index = offset
        return start..<offset
    }

    @usableFromInline mutating func parseString() throws(Error) -> String {
        index += 1
        let start = index
        // Plain ASCII runs need no UTF-8 check (escapes decode to valid UTF-8).
        var ascii = true
        // Fast path: no escapes.
        index = firstByteNeedingEscape(in: bytes, from: index, ascii: &ascii)
        guard index < bytes.count else { throw error("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            index += 1
            return ascii ? String(decoding: raw, as: UTF8.self) : try validatedUTF8(raw, at: start)
        }
        if bytes[index] < 0x20 { throw error("control character in string") }
        return try parseEscapedString(from: start, ascii: ascii)
    }

    /// The rest of a string that holds escapes, from the first one (at
    /// `index`), decoded straight into the String's storage. Escapes only
    /// shrink (two to twelve bytes stand for one to four), so the literal's
    /// length bounds the text.
    private mutating func parseEscapedString(from start: Int, ascii: Bool) throws(Error) -> String {
        var failure: Error?
        let text = String(unsafeUninitializedCapacity: literalBound(from: index) - start) { buffer in
            do throws(Error) {
                return try decodeEscapedString(from: start, ascii: ascii, into: buffer.baseAddress!)
            } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
        return text
    }

    /// An end the string literal cannot pass: its first quote after an even
    /// run of backslashes (none escapes it), else the input's end. Decoding
    /// stops there, or with an error before. Quotes are rare in texts, so
    /// `memchr` finds them, faster than a scan that stops at every escape.
    private func literalBound(from offset: Int) -> Int {
        let base = bytes.baseAddress.unsafelyUnwrapped
        var from = offset
        while from < bytes.count, let found = memchr(base + from, Int32(UInt8(ascii: "\"")), bytes.count - from) {
            let quote = UnsafeRawPointer(found) - base
            // The run ends at the opening quote at the latest.
            var backslashes = 0
            while base.load(fromByteOffset: quote - 1 - backslashes, as: UInt8.self) == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 0 { return quote }
            from = quote + 1
        }
        return bytes.count
    }

    /// Decodes the string from `start` into `out` (room for the literal's
    /// bytes), checking the text is UTF-8 unless every byte was ASCII;
    /// returns the decoded length.
    private mutating func decodeEscapedString(
        from start: Int, ascii: Bool, into out: UnsafeMutablePointer<UInt8>
    ) throws(Error) -> Int {
        var ascii = ascii
        var count = 0
        func append(_ byte: UInt8) {
            out[count] = byte
            count += 1
        }
        func copy(_ range: Range<Int>) {
            (out + count).initialize(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + range.lowerBound, count: range.count)
            count += range.count
        }
        copy(start..<index)
        while index < bytes.count {
            // Bytes that need no decoding are copied a run at a time.
            let run = index
            index = firstByteNeedingEscape(in: bytes, from: index, ascii: &ascii)
            copy(run..<index)
            guard index < bytes.count else { break }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                // The String's own check would repair invalid UTF-8, not reject it.
                if !ascii { _ = try validatedUTF8(UnsafeRawBufferPointer(start: out, count: count), at: start) }
                return count
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): append(escape)
                case UInt8(ascii: "b"): append(0x08)
                case UInt8(ascii: "f"): append(0x0C)
                case UInt8(ascii: "n"): append(0x0A)
                case UInt8(ascii: "r"): append(0x0D)
                case UInt8(ascii: "t"): append(0x09)
                case UInt8(ascii: "u"): for byte in try unicodeEscape().utf8 { append(byte) }
                default: throw error("invalid escape")
                }
            default:
                throw error("control character in string")
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(Error) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x37
            case 0x61...0x66: digit = byte - 0x57
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// The scalar a `\u` escape (or a surrogate pair of them) stands for.
    private mutating func unicodeEscape() throws(Error) -> Unicode.Scalar {
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) {
            guard index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(code) {
            throw error("unpaired surrogate")
        }
        return Unicode.Scalar(code)!
    }

    private func validatedUTF8(_ raw: UnsafeRawBufferPointer, at offset: Int) throws(Error) -> String {
        guard let text = validUTF8String(raw) else {
            throw Error(message: "string is not valid UTF-8", offset: offset)
        }
        return text
    }
}
