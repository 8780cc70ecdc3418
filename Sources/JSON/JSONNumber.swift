/// Reading a JSON number's text as a `Double`, the nearest double as
/// `Double(String)` gives it.
enum JSONNumber {
    /// `text` is a number as JSON spells it (`JSONParser` checked it).
    static func double(_ text: UnsafeRawBufferPointer) -> Double? {
        exactlyRepresentable(text) ?? Double(String(decoding: text, as: UTF8.self))
    }

    /// Clinger's fast path: when the digits make an integer below 2^53 and
    /// the power of ten is at most 22 either way, both are exact doubles,
    /// and one IEEE multiplication or division rounds correctly, as strtod
    /// does. Short log-probabilities (`-0.25`) take it without a string.
    private static func exactlyRepresentable(_ text: UnsafeRawBufferPointer) -> Double? {
        var index = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { index += 1 }
        var digits: UInt64 = 0, digitCount = 0, fractionDigits = 0, inFraction = false
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else if byte >= 0x30, byte <= 0x39 {
                // Fifteen digits always stay below 2^53.
                guard digitCount < 15 else { return nil }
                digits = digits * 10 + UInt64(byte - 0x30)
                if digits > 0 { digitCount += 1 }
                if inFraction { fractionDigits += 1 }
            } else {
                return nil  // an exponent: left to the full conversion
            }
            index += 1
        }
        guard index > (negative ? 1 : 0), fractionDigits <= 22 else { return nil }
        let magnitude = Double(digits) / powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }
}
