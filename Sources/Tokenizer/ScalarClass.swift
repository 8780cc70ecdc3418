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
///
/// A struct over a raw table rather than a class over an array: the split
/// scanner holds one, and copying it (once per piece of text) then retains
/// nothing, and a lookup is one load. The table is built once for the
/// process, never written again and never freed.
struct ScalarClassTable: @unchecked Sendable {
    static let shared = ScalarClassTable()

    private let bmp: UnsafePointer<UInt8>

    private init() {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
        for value in 0..<0x10000 { table[value] = ScalarClass(of: UInt32(value)).rawValue }
        bmp = UnsafePointer(table)
    }

    @inline(__always)
    func classOf(_ value: UInt32) -> ScalarClass {
        value < 0x10000 ? ScalarClass(rawValue: bmp[Int(value)]) : Self.classOfAstral(value)
    }

    /// Kept out of line: inlined, its Unicode property look-ups cost every
    /// caller metadata calls even for ASCII.
    @inline(never)
    private static func classOfAstral(_ value: UInt32) -> ScalarClass {
        ScalarClass(of: value)
    }
}
