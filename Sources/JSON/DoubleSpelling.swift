/// A double spelled as Swift's `description` spells it, byte for byte,
/// written into memory without a `String`: a rollout's log-probabilities
/// are thousands of these per answer.
///
/// `description`'s layout, found by testing it (`DoubleSpellingTests` holds
/// it to that): the shortest round-trip digits d₁d₂…dₙ × 10^e (e the
/// exponent of d₁),
/// - plain decimal from 10^-4 up to 2^53: `0.000123`, `1.5`, `100.0`
///   (a whole number keeps `.0`, and its zeros: `1000000000000000.0`);
/// - otherwise d₁, `.` and the rest if any, `e`, the exponent's sign and at
///   least two digits: `1e-05`, `1.2e-07`, `9.007199254740994e+15`;
/// - `0.0` and `-0.0`; non-finite values are not JSON and become `null`.
enum DoubleSpelling {
    /// The most bytes `write` stores: `description` is at most 24 bytes
    /// (`-2.2250738585072014e-308`), but whole-word stores reach further (a
    /// sign, 16 digits and two words of zeros).
    static let maxBytes = 40

    /// Writes `value`'s spelling at `out`; returns its length.
    static func write(_ value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
        if value == 0 { return store(ascii: value.sign == .minus ? "-0.0" : "0.0", into: out) }
        guard value.isFinite else { return store(ascii: "null", into: out) }
        guard let (digits, exponent) = ShortestDecimal.digits(of: value.magnitude) else {
            return writeDescription(of: value, into: out)
        }
        var start = out
        if value.sign == .minus {
            start.pointee = UInt8(ascii: "-")
            start += 1
        }
        let end = layOut(digits, exponent, scientific: value.magnitude > 0x1p53, into: start)
        return end - out
    }

    /// Values outside `ShortestDecimal`'s range (below 1e-23, above 1e72)
    /// are left to `description` itself.
    @inline(never)
    private static func writeDescription(of value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var text = value.description
        return text.withUTF8 { utf8 in
            precondition(utf8.count <= maxBytes, "a Double's description is at most 24 bytes")
            out.initialize(from: utf8.baseAddress!, count: utf8.count)
            return utf8.count
        }
    }

    /// Lays out `digits` × 10^`exponent` at `out`; returns the end.
    @inline(__always)
    private static func layOut(
        _ digits: UInt64, _ exponent: Int, scientific large: Bool, into out: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        // The digits one byte to the right, where all but the last layout
        // want them after one moved or inserted byte.
        var count = DecimalWriter.withDigitTable { $0.write(digits, into: out + 1) }
        let leading = exponent &+ count &- 1  // the first digit's power of ten
        while out[count] == UInt8(ascii: "0") { count &-= 1 }
        if large || leading < -4 {
            // d₁.d₂…dₙe±XX (|XX| < 100 in ShortestDecimal's range).
            out[0] = out[1]
            var end = out + 1
            if count > 1 {
                out[1] = UInt8(ascii: ".")
                end = out + 1 + count
            }
            let magnitude = leading < 0 ? -leading : leading
            end[0] = UInt8(ascii: "e")
            end[1] = leading < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
            end[2] = UInt8(ascii: "0") &+ UInt8(magnitude / 10)
            end[3] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
            return end + 4
        }
        if leading < 0 {
            // 0.0001234: "0.000" in front of the digits.
            let zeros = -leading
            (out + zeros + 1).update(from: out + 1, count: count)
            out[0] = UInt8(ascii: "0")
            out[1] = UInt8(ascii: ".")
            for index in 2..<(zeros &+ 1) { out[index] = UInt8(ascii: "0") }
            return out + zeros + 1 + count
        }
        if count > leading &+ 1 {
            // 12.34: the integer part one to the left, the point after it.
            out.update(from: out + 1, count: leading &+ 1)
            out[leading &+ 1] = UInt8(ascii: ".")
            return out + 1 + count
        }
        // A whole number: its zeros, then ".0".
        out.update(from: out + 1, count: count)
        var end = out + count
        let zeros = leading &+ 1 &- count
        storeWord(0x3030_3030_3030_3030, into: end)
        storeWord(0x3030_3030_3030_3030, into: end + 8)
        end += zeros
        return end + store(ascii: ".0", into: end)
    }
}
