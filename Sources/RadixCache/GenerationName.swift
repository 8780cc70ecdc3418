/// A generation's name as nodes keep it, without a heap allocation in the
/// usual cases: SGLang's request ids (`uuid4().hex`, 32 lowercase hex
/// digits) packed into 128 bits, and names of up to 15 UTF-8 bytes inline
/// in a `String`. Any other name is a `String` of its own, whose heap bytes
/// `heapBytes` counts.
struct GenerationName: Hashable, Sendable {
    private enum Storage: Hashable, Sendable {
        case hex(UInt64, UInt64)
        case text(String)
    }

    private let storage: Storage

    init(_ name: String) {
        storage = Self.packedHex(name).map { .hex($0.0, $0.1) } ?? .text(name)
    }

    var string: String {
        switch storage {
        case .text(let name): name
        case .hex(let high, let low): Self.hexDigits(high) + Self.hexDigits(low)
        }
    }

    /// The heap bytes of a name that is not kept inline.
    var heapBytes: Int {
        guard case .text(let name) = storage, name.utf8.count > 15 else { return 0 }
        return 32 + name.utf8.count + 1
    }

    private static func packedHex(_ name: String) -> (UInt64, UInt64)? {
        let digits = Array(name.utf8)
        guard digits.count == 32 else { return nil }
        var halves: (UInt64, UInt64) = (0, 0)
        for (index, digit) in digits.enumerated() {
            let value: UInt64
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(digit - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if index < 16 { halves.0 = halves.0 << 4 | value } else { halves.1 = halves.1 << 4 | value }
        }
        return halves
    }

    private static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
