/// The character classes split patterns ask about, as bit flags over
/// `Unicode.Scalar.Properties` (`\p{L}`, `\p{N}`, `\p{M}`, `\s`, `[\r\n]`).
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8
    static let letter = ScalarClass(rawValue: 1)
    static let number = ScalarClass(rawValue: 2)
    static let mark = ScalarClass(rawValue: 4)
    static let whitespace = ScalarClass(rawValue: 8)
    static let newline = ScalarClass(rawValue: 16)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(of value: UInt32) {
        guard let scalar = Unicode.Scalar(value) else {
            self = []
            return
        }
        var flags: ScalarClass = []
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            flags.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            flags.insert(.number)
        case .nonspacingMark, .spacingMark, .enclosingMark:
            flags.insert(.mark)
        default:
            break
        }
        if scalar.properties.isWhitespace { flags.insert(.whitespace) }
        if value == 0x0A || value == 0x0D { flags.insert(.newline) }
        self = flags
    }
}

/// `ScalarClass` of every scalar in the Basic Multilingual Plane, computed
/// once; scalars above it are classified on the fly.
final class ScalarClassTable: Sendable {
    static let shared = ScalarClassTable()

    private let bmp: [UInt8]

    private init() {
        bmp = (0..<0x10000).map { ScalarClass(of: UInt32($0)).rawValue }
    }

    @inline(__always)
    func classOf(_ value: UInt32) -> ScalarClass {
        value < 0x10000
            ? ScalarClass(rawValue: bmp.withUnsafeBufferPointer { $0[Int(value)] })
            : ScalarClass(of: value)
    }
}
