extension JSONValue {
    /// Compact serialization; numbers are written as they were read.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .number(let text): out += text.utf8
        case .string(let text): writeJSONString(text, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (position, value) in values.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                writeJSONString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

/// Appends `text` as a JSON string literal: runs of bytes that need no
/// escape are copied at once.
public func writeJSONString(_ text: String, to out: inout [UInt8]) {
    var text = text
    text.withUTF8 { bytes in
        out.append(UInt8(ascii: "\""))
        let raw = UnsafeRawBufferPointer(bytes)
        var runStart = 0
        while true {
            let index = firstByteNeedingEscape(in: raw, from: runStart)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            guard index < bytes.count else { break }
            writeEscape(of: bytes[index], to: &out)
            runStart = index + 1
        }
        out.append(UInt8(ascii: "\""))
    }
}

private func writeEscape(of byte: UInt8, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\\"))
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
    case 0x0A: out.append(UInt8(ascii: "n"))
    case 0x0D: out.append(UInt8(ascii: "r"))
    case 0x09: out.append(UInt8(ascii: "t"))
    default:
        let hex = Array("0123456789abcdef".utf8)
        out += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
    }
}
