/// Reading a JSON number's text as a `Double`, the nearest double as
/// `Double(String)` gives it.
enum JSONNumber {
    /// The number that starts at `start`, read as it is scanned: its value
    /// and where it ends. Nil unless it is a JSON number whose nearest
    /// double `exactly` finds; the caller then scans it as before (and
    /// refuses it if it is no JSON number).
    @inline(__always)
    static func scan(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (value: Double, end: Int)? {
        guard let number = decimal(bytes, from: start), let value = exactly(number) else { return nil }
        return (value, number.end)
    }

    private struct Decimal {
        var negative: Bool
        var significand: UInt64
        var exponent: Int
        var end: Int
    }

    /// The nearest double without a string, for up to 19 significant digits:
    /// Clinger's fast path where it applies (the digits an integer of at most
    /// 2^53 and the power of ten at most 22 either way: both are exact
    /// doubles, and one IEEE multiplication or division rounds correctly),
    /// else `NearestDouble`. Nil where neither can decide.
    @inline(__always)
    private static func exactly(_ number: Decimal) -> Double? {
        let (significand, exponent) = (number.significand, number.exponent)
        let magnitude: Double
        if significand == 0 {
            magnitude = 0
        } else if significand <= 1 << 53, exponent >= -22, exponent <= 22 {
            magnitude = exponent < 0 ? Double(significand) / powersOfTen[-exponent] : Double(significand) * powersOfTen[exponent]
        } else if let nearest = NearestDouble.of(significand: significand, exponent: exponent) {
            magnitude = nearest
        } else {
            return nil
        }
        return number.negative ? -magnitude : magnitude
    }

    /// The JSON number that starts at `start` as significand × 10^exponent,
    /// and where it ends (the first byte that cannot continue it). Nil if
    /// JSON's grammar does not hold there (no digit, a leading zero followed
    /// by digits, a point or an exponent without digits) or beyond 19
    /// significant digits (they may not fit 64 bits).
    @inline(__always)
    private static func decimal(_ text: UnsafeRawBufferPointer, from start: Int) -> Decimal? {
        var index = start
        let count = text.count
        let negative = index < count && text[index] == UInt8(ascii: "-")
        if negative { index &+= 1 }
        guard index < count, text[index] &- 0x30 < 10 else { return nil }
        var significand: UInt64 = 0, significantDigits = 0, exponent = 0
        if text[index] == UInt8(ascii: "0") {
            // A leading zero stands alone.
            index &+= 1
            if index < count, text[index] &- 0x30 < 10 { return nil }
        } else {
            accumulateDigits(text, from: &index, into: &significand, counting: &significantDigits)
        }
        if index < count, text[index] == UInt8(ascii: ".") {
            index &+= 1
            guard index < count, text[index] &- 0x30 < 10 else { return nil }
            let fractionStart = index
            // Zeros before the first significant digit carry nothing.
            if significand == 0 {
                while index < count, text[index] == UInt8(ascii: "0") { index &+= 1 }
            }
            accumulateDigits(text, from: &index, into: &significand, counting: &significantDigits)
            exponent = fractionStart &- index
        }
        // Beyond 19 digits the significand has wrapped: the answer is left to `Double(String)`.
        guard significantDigits <= 19 else { return nil }
        guard index < count, text[index] | 0x20 == UInt8(ascii: "e") else {
            return Decimal(negative: negative, significand: significand, exponent: exponent, end: index)
        }
        index &+= 1
        let negativeExponent = index < count && text[index] == UInt8(ascii: "-")
        if index < count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") { index &+= 1 }
        guard index < count, text[index] &- 0x30 < 10 else { return nil }
        var written = 0, beyondAnyTable = false
        while index < count {
            let digit = text[index] &- 0x30
            guard digit < 10 else { break }
            // Kept finite, and the answer left to `Double(String)`: a capped
            // exponent added to a long fraction's could land back in range.
            if written < 100_000 { written = written &* 10 &+ Int(digit) } else { beyondAnyTable = true }
            index &+= 1
        }
        guard !beyondAnyTable else { return nil }
        exponent = negativeExponent ? exponent &- written : exponent &+ written
        return Decimal(negative: negative, significand: significand, exponent: exponent, end: index)
    }

    /// Appends the digits from `index` on to `significand` (wrapping past 19
    /// of them: `counting` tells), eight at a time while eight follow.
    @inline(__always)
    private static func accumulateDigits(
        _ text: UnsafeRawBufferPointer, from index: inout Int, into significand: inout UInt64, counting significantDigits: inout Int
    ) {
        let count = text.count
        while count &- index >= 8,
            let eight = eightDigits(UInt64(littleEndian: text.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
        {
            significand = significand &* 100_000_000 &+ eight
            significantDigits &+= 8
            index &+= 8
        }
        while index < count {
            let digit = text[index] &- 0x30
            guard digit < 10 else { break }
            significand = significand &* 10 &+ UInt64(digit)
            significantDigits &+= 1
            index &+= 1
        }
    }

    /// The value of eight ASCII digits read as a little-endian word (the
    /// first digit in the lowest byte), or nil if any byte is not a digit.
    @inline(__always)
    private static func eightDigits(_ word: UInt64) -> UInt64? {
        // A byte is a digit when its high nibble is 3 and adding 6 keeps it so.
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        guard (word & highNibbles) | ((word &+ 0x0606_0606_0606_0606) & highNibbles) >> 4 == 0x3333_3333_3333_3333 else {
            return nil
        }
        var digits = word &- 0x3030_3030_3030_3030
        // Each even byte becomes a two-digit pair (ten times its digit plus the next one's)...
        digits = digits &* 10 &+ digits >> 8
        // ...and the four pairs (bytes 0, 2, 4, 6) are weighted 10^6, 10^4, 10^2, 1 in the high half.
        let pairMask: UInt64 = 0x0000_00FF_0000_00FF
        let firstAndThird = (digits & pairMask) &* (100 &+ 1_000_000 << 32)
        let secondAndFourth = (digits >> 16 & pairMask) &* (1 &+ 10_000 << 32)
        return (firstAndThird &+ secondAndFourth) >> 32
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }
}
