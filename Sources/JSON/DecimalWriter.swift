/// Writes unsigned integers in decimal, eight digits at a time: a token id
/// is one such group, looked up as two groups of four in a table, with no
/// division loop and one store.
struct DecimalWriter {
    /// The most `write` stores: 20 digits in whole 8-byte stores.
    static let maxBytes = 24

    /// The four digits of every number below 10,000, leading zeros included,
    /// as digit values (not yet ASCII) one per byte, the first in the lowest.
    private static let digitQuads: [UInt32] = (0..<10_000).map { (number: UInt32) in
        number / 1000 | (number / 100 % 10) << 8 | (number / 10 % 10) << 16 | (number % 10) << 24
    }

    private let quads: UnsafePointer<UInt32>

    /// Calls `body` with a writer over the shared digit table.
    @inline(__always)
    static func withDigitTable<Result>(_ body: (DecimalWriter) -> Result) -> Result {
        digitQuads.withUnsafeBufferPointer { body(DecimalWriter(quads: $0.baseAddress!)) }
    }

    /// Writes `value` without leading zeros; returns how many bytes count,
    /// having stored up to `maxBytes`.
    @inline(__always)
    func write(_ value: UInt64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        value < 100_000_000 ? writeLeading(value, into: out) : writeLong(value, into: out)
    }

    /// Writes a comma and `value`: below 10^7, as one 8-byte store (the
    /// eight-digit group's first byte is a zero, whose place the comma takes).
    @inline(__always)
    func writeAfterComma(_ value: UInt64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        guard value < 10_000_000 else {
            out.pointee = UInt8(ascii: ",")
            return 1 &+ write(value, into: out + 1)
        }
        // The last digit's byte set, so that 0 keeps one digit without a clamp.
        let digits = eightDigits(value)
        let leadingZeros = (digits | 1 &<< 56).trailingZeroBitCount &>> 3
        storeWord(((digits | asciiZeros) &>> (8 &* leadingZeros)) &<< 8 | UInt64(UInt8(ascii: ",")), into: out)
        return 9 &- leadingZeros
    }

    /// `write` of nine digits or more: apart, so that the usual case stays
    /// small enough to inline into an array's loop.
    @inline(never)
    private func writeLong(_ value: UInt64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let group: UInt64 = 100_000_000
        let (high, low) = value.quotientAndRemainder(dividingBy: group)
        guard high >= group else {
            let written = writeLeading(high, into: out)
            storeWord(eightDigits(low) | asciiZeros, into: out + written)
            return written + 8
        }
        let written = writeLeading(high / group, into: out)
        storeWord(eightDigits(high % group) | asciiZeros, into: out + written)
        storeWord(eightDigits(low) | asciiZeros, into: out + written + 8)
        return written + 16
    }

    /// Writes `value` (below 10^8) without leading zeros, in one 8-byte store.
    @inline(__always)
    private func writeLeading(_ value: UInt64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let digits = eightDigits(value)
        // The first digit is the lowest byte: leading zeros are the low zero
        // bytes. 0 itself keeps one.
        let leadingZeros = min(digits.trailingZeroBitCount &>> 3, 7)
        storeWord((digits | asciiZeros) &>> (8 &* leadingZeros), into: out)
        return 8 &- leadingZeros
    }

    /// The eight digits of `value` (below 10^8), leading zeros included, as
    /// digit values one per byte, the first in the lowest.
    @inline(__always)
    func eightDigits(_ value: UInt64) -> UInt64 {
        let (high, low) = (value / 10_000, value % 10_000)
        return UInt64(quads[Int(high)]) | UInt64(quads[Int(low)]) &<< 32
    }

    /// Added to eight digit values, their ASCII.
    var asciiZeros: UInt64 { 0x3030_3030_3030_3030 }
}

/// The spelling after a comma of every integer below a bound (a tokenizer's
/// ids), as one 8-byte word each: the comma and up to six digits, and in the
/// last byte how many bytes count. Writing an id is then one load and one
/// store, where formatting it costs about 30 instructions. Built once (when
/// the tokenizer loads); 8 bytes an id, 1.2 MB for a 150 K vocabulary, of
/// which a request touches the lines of its own ids.
public struct IntegerSpellings: Sendable {
    /// Below 10^6, a comma and the digits take at most 7 bytes, leaving the last byte for the length.
    public static let maxBound = 1_000_000

    private let words: [UInt64]

    /// The spellings of `0..<min(bound, maxBound)`.
    public init(below bound: Int) {
        words = DecimalWriter.withDigitTable { decimal in
            (0..<UInt64(max(0, min(bound, Self.maxBound)))).map { value in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { scratch in
                    let count = decimal.writeAfterComma(value, into: scratch.baseAddress!)
                    let word = UnsafeRawPointer(scratch.baseAddress!).loadUnaligned(as: UInt64.self).littleEndian
                    return word & (1 &<< 56 &- 1) | UInt64(count) &<< 56
                }
            }
        }
    }

    /// Calls `body` with the words, the spelling of `value` at index `value`.
    @inline(__always)
    func withWords<Result>(_ body: (UnsafeBufferPointer<UInt64>) -> Result) -> Result {
        words.withUnsafeBufferPointer(body)
    }
}
