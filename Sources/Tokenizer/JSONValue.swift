/// A parsed JSON document. tokenizer.json files are large (a 151K-entry
/// vocabulary and as many merges); Foundation's parsers take most of a
/// second on them, this one a fraction of that.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in file order.
    case object([(key: String, value: JSONValue)])

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    var int: Int? { if case .number(let n) = self, let i = Int(exactly: n) { i } else { nil } }
    var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var members: [(key: String, value: JSONValue)]? { if case .object(let m) = self { m } else { nil } }
    var isNull: Bool { if case .null = self { true } else { false } }
}

/// A strict JSON (RFC 8259) parser over UTF-8 bytes.
struct JSONParser {
    struct SyntaxError: Error, CustomStringConvertible {
        let offset: Int
        var description: String { "invalid JSON at byte \(offset)" }
    }

    private let p: UnsafeBufferPointer<UInt8>
    private var i = 0

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(p: buffer)
            let value = try parser.value()
            parser.skipWhitespace()
            guard parser.i == buffer.count else { throw SyntaxError(offset: parser.i) }
            return value
        }
    }

    private init(p: UnsafeBufferPointer<UInt8>) {
        self.p = p
    }

    private mutating func skipWhitespace() {
        while i < p.count, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ literal: StaticString) throws {
        let n = literal.utf8CodeUnitCount
        guard i + n <= p.count, memcmpBytes(p.baseAddress! + i, literal.utf8Start, n) else { throw SyntaxError(offset: i) }
        i += n
    }

    private mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard i < p.count else { throw SyntaxError(offset: i) }
        switch p[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func object() throws -> JSONValue {
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw SyntaxError(offset: i) }
            let key = try string()
            skipWhitespace()
            try expect(":")
            members.append((key, try value()))
            skipWhitespace()
            guard i < p.count else { throw SyntaxError(offset: i) }
            i += 1
            if p[i - 1] == UInt8(ascii: "}") { return .object(members) }
            guard p[i - 1] == UInt8(ascii: ",") else { throw SyntaxError(offset: i - 1) }
        }
    }

    private mutating func array() throws -> JSONValue {
        i += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; return .array(elements) }
        while true {
            elements.append(try value())
            skipWhitespace()
            guard i < p.count else { throw SyntaxError(offset: i) }
            i += 1
            if p[i - 1] == UInt8(ascii: "]") { return .array(elements) }
            guard p[i - 1] == UInt8(ascii: ",") else { throw SyntaxError(offset: i - 1) }
        }
    }

    private mutating func number() throws -> Double {
        let start = i
        while i < p.count, let c = Optional(p[i]),
              (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            i += 1
        }
        guard let number = Double(String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)) else {
            throw SyntaxError(offset: start)
        }
        return number
    }

    private mutating func string() throws -> String {
        i += 1
        let start = i
        while i < p.count, p[i] != UInt8(ascii: "\""), p[i] != UInt8(ascii: "\\") { i += 1 }
        guard i < p.count else { throw SyntaxError(offset: start) }
        if p[i] == UInt8(ascii: "\"") {
            i += 1
            return String(decoding: UnsafeBufferPointer(rebasing: p[start..<(i - 1)]), as: UTF8.self)
        }
        var bytes = Array(p[start..<i])
        while i < p.count {
            let c = p[i]
            i += 1
            if c == UInt8(ascii: "\"") { return String(decoding: bytes, as: UTF8.self) }
            guard c == UInt8(ascii: "\\") else { bytes.append(c); continue }
            guard i < p.count else { break }
            let escape = p[i]
            i += 1
            switch escape {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "u"): bytes.append(contentsOf: try unicodeEscape())
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
            default: throw SyntaxError(offset: i - 1)
            }
        }
        throw SyntaxError(offset: start)
    }

    /// `\uXXXX`, joining surrogate pairs; a lone surrogate becomes U+FFFD.
    private mutating func unicodeEscape() throws -> [UInt8] {
        var value = try hex4()
        if (0xD800..<0xDC00).contains(value), i + 6 <= p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") {
            let save = i
            i += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else {
                i = save
            }
        }
        return Array(String(Unicode.Scalar(value).map(Character.init) ?? "\u{FFFD}").utf8)
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= p.count, let value = UInt32(String(decoding: UnsafeBufferPointer(rebasing: p[i..<(i + 4)]), as: UTF8.self), radix: 16) else {
            throw SyntaxError(offset: i)
        }
        i += 4
        return value
    }
}
