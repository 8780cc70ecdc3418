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
struct DoubleSpelling {
    /// The most bytes `write` stores: `description` is at most 24 bytes
    /// (`-2.2250738585072014e-308`), but the layout copies whole words past
    /// the end (a sign, 16 digits, the point, then 16 bytes).
    static let maxBytes = 40

    private let decimal: DecimalWriter
    private let powers: PowersOfTen

    /// Calls `body` with a speller over the shared tables (looked up once,
    /// not per value).
    @inline(__always)
    static func withTables<Result>(_ body: (DoubleSpelling) -> Result) -> Result {
        DecimalWriter.withDigitTable { decimal in
            PowersOfTen.withTable { powers in body(DoubleSpelling(decimal: decimal, powers: powers)) }
        }
    }

    /// Writes `value`'s spelling at `out`, storing up to `maxBytes`; returns its length.
    @inline(__always)
    func write(_ value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
        if value == 0 { return store(ascii: value.sign == .minus ? "-0.0" : "0.0", into: out) }
        guard value.isFinite else { return store(ascii: "null", into: out) }
        guard let (digits, exponent) = ShortestDecimal.digits(of: value.magnitude, powers: powers) else {
            return Self.writeDescription(of: value, into: out)
        }
        out.pointee = UInt8(ascii: "-")
        let start = value.sign == .minus ? out + 1 : out
        return layOut(digits, exponent, scientific: value.magnitude > 0x1p53, into: start) - out
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

    /// Lays out `digits` (16 or 17 of them) × 10^`exponent` at `out`;
    /// returns the end. The digits are staged in ASCII, then moved in place
    /// by fixed-size copies, around the point where one goes.
    @inline(__always)
    private func layOut(
        _ digits: UInt64, _ exponent: Int, scientific large: Bool, into out: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        let (first, rest) = digits.quotientAndRemainder(dividingBy: 10_000_000_000_000_000)
        let high = decimal.eightDigits(rest / 100_000_000)
        let low = decimal.eightDigits(rest % 100_000_000)
        // Digit values, the first in the lowest byte: a zero byte at the top is a trailing zero.
        let trailingZeros = low != 0 ? low.leadingZeroBitCount &>> 3 : high != 0 ? 8 &+ high.leadingZeroBitCount &>> 3 : 16
        let staged = first == 0 ? 16 : 17
        let count = staged &- trailingZeros
        let leading = exponent &+ staged &- 1  // the first digit's power of ten
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 6) { words in
            // stage[0] the first digit (if 17), then the two groups; the
            // copies below read up to 33 bytes from the start.
            let stage = UnsafeMutableRawPointer(words.baseAddress!)
            stage.storeBytes(of: UInt64(first) | 0x30, as: UInt64.self)
            stage.storeBytes(of: (high | decimal.asciiZeros).littleEndian, toByteOffset: 1, as: UInt64.self)
            stage.storeBytes(of: (low | decimal.asciiZeros).littleEndian, toByteOffset: 9, as: UInt64.self)
            stage.storeBytes(of: 0, toByteOffset: 17, as: UInt64.self)
            stage.storeBytes(of: 0, toByteOffset: 25, as: UInt64.self)
            stage.storeBytes(of: 0, toByteOffset: 33, as: UInt64.self)
            let digits = UnsafeRawPointer(stage) + (17 &- staged)
            if large || leading < -4 {
                // d₁.d₂…dₙe±XX (|XX| < 100 in ShortestDecimal's range).
                out[0] = digits.load(as: UInt8.self)
                var end = out + 1
                if count > 1 {
                    out[1] = UInt8(ascii: ".")
                    copy16(from: digits + 1, to: out + 2)
                    end = out + 1 + count
                }
                let magnitude = UInt32(leading < 0 ? -leading : leading)
                let sign = UInt32(leading < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                let suffix = UInt32(UInt8(ascii: "e")) | sign << 8 | (0x30 + magnitude / 10) << 16 | (0x30 + magnitude % 10) << 24
                UnsafeMutableRawPointer(end).storeBytes(of: suffix.littleEndian, as: UInt32.self)
                return end + 4
            }
            if leading < 0 {
                // 0.000ddd: "0." and up to three zeros, then the digits.
                storeWord(0x3030_3030_3030_2E30, into: out)  // "0.000000"
                let start = out + 1 - leading
                copy16(from: digits, to: start)
                start[16] = digits.load(fromByteOffset: 16, as: UInt8.self)
                return start + count
            }
            // The integer part with its zeros (a whole number's are staged:
            // at most 16 digits, and at least 16 are staged), then the point.
            let point = leading &+ 1
            copy16(from: digits, to: out)
            if count <= point { return out + point + store(ascii: ".0", into: out + point) }
            out[point] = UInt8(ascii: ".")
            copy16(from: digits + point, to: out + point + 1)
            return out + count + 1
        }
    }
}

/// Copies 16 bytes with two word loads and stores.
@inline(__always)
private func copy16(from source: UnsafeRawPointer, to destination: UnsafeMutablePointer<UInt8>) {
    let target = UnsafeMutableRawPointer(destination)
    target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
    target.storeBytes(of: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
}
