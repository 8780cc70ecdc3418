/// Reading a JSON number's text as a `Double`, the nearest double as
/// `Double(String)` gives it.
enum JSONNumber {
    /// `text` is a number as JSON spells it (`JSONParser` checked it).
    static func double(_ text: UnsafeRawBufferPointer) -> Double? {
        exactly(text) ?? Double(String(decoding: text, as: UTF8.self))
    }

    /// The nearest double without a string, for up to 19 significant digits:
    /// Clinger's fast path where it applies (the digits an integer of at most
    /// 2^53 and the power of ten at most 22 either way: both are exact
    /// doubles, and one IEEE multiplication or division rounds correctly),
    /// else `NearestDouble`. Nil where neither can decide.
    private static func exactly(_ text: UnsafeRawBufferPointer) -> Double? {
        guard let (negative, significand, exponent) = decimal(text) else { return nil }
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
        return negative ? -magnitude : magnitude
    }

    /// The number as significand × 10^exponent; nil beyond 19 significant
    /// digits (they may not fit 64 bits).
    @inline(__always)
    private static func decimal(_ text: UnsafeRawBufferPointer) -> (negative: Bool, significand: UInt64, exponent: Int)? {
        var index = 0
        let count = text.count
        let negative = count > 0 && text[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        var significand: UInt64 = 0, significantDigits = 0, exponent = 0, inFraction = false
        while index < count {
            let byte = text[index]
            let digit = byte &- 0x30
            if digit < 10 {
                if significand != 0 || digit != 0 {
                    significantDigits &+= 1
                    guard significantDigits <= 19 else { return nil }
                    significand = significand &* 10 &+ UInt64(digit)
                }
                if inFraction { exponent &-= 1 }
            } else if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else {
                break
            }
            index &+= 1
        }
        guard index < count else { return (negative, significand, exponent) }
        guard text[index] | 0x20 == UInt8(ascii: "e") else { return nil }
        index &+= 1
        let negativeExponent = index < count && text[index] == UInt8(ascii: "-")
        if index < count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") { index &+= 1 }
        var written = 0
        while index < count {
            let digit = text[index] &- 0x30
            guard digit < 10 else { return nil }
            // Beyond any table: kept finite, the answer left to `Double(String)`.
            if written < 100_000 { written = written &* 10 &+ Int(digit) }
            index &+= 1
        }
        exponent = negativeExponent ? exponent &- written : exponent &+ written
        return (negative, significand, exponent)
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }
}
