/// The double nearest to `significand` × 10^`exponent` for significands of
/// up to 64 bits (19 digits: every spelling a worker writes, 17-digit
/// log-probabilities included), by the Eisel-Lemire method: the significand
/// times a 128-bit truncation of the power of ten, and the result taken only
/// when that truncation cannot change its rounding. Otherwise (and for
/// subnormal or overflowing results) nil, and the caller asks `Double(String)`.
///
/// Why it is exact: the table holds T with T ≤ 10^q / 2^e < T + 1. With the
/// significand w shifted to w' ∈ [2^63, 2^64), the exact product w' × 10^q / 2^e
/// lies in [P, P + w') where P = w' × T (192 bits); dropping P's low 64 bits
/// (the low word of w' × T.low is not even computed) leaves U = ⌊P / 2^64⌋,
/// and the exact value over 2^64 lies in [U, U + 2). Rounding to the nearest
/// 53-bit value changes only at midpoints; if none lies in [U, U + 2], every
/// value of the interval, the exact one among them, rounds as U does.
enum NearestDouble {
    static let smallestExponent = -342
    static let largestExponent = 308

    static func of(significand: UInt64, exponent: Int) -> Double? {
        guard significand != 0, exponent >= smallestExponent, exponent <= largestExponent else { return nil }
        let index = exponent &- smallestExponent
        let (powerHigh, powerLow, powerExponent) = table.withUnsafeBufferPointer { table in
            (table[2 &* index], table[2 &* index &+ 1], binaryExponent(ofTenToThe: exponent))
        }
        let shifted = significand.leadingZeroBitCount
        let normalized = significand << shifted
        var (upper, lower) = normalized.multipliedFullWidth(by: powerHigh)
        let (carry, overflow) = lower.addingReportingOverflow(normalized.multipliedFullWidth(by: powerLow).high)
        lower = carry
        if overflow { upper &+= 1 }
        // U = upper:lower ≥ 2^126. The mantissa's 53 bits are upper's top ones;
        // the rest of upper below them, then lower, decide the rounding.
        let topBitSet = upper >> 63 == 1
        if !topBitSet, upper == UInt64.max >> 1, lower >= UInt64.max &- 1 { return nil }  // U + 2 may reach 2^127
        let dropped: UInt64 = topBitSet ? 11 : 10
        let remainder = upper & ((1 << dropped) &- 1)
        let half: UInt64 = 1 << (dropped &- 1)
        // A midpoint within [U, U + 2]: the remainder in [half - 2, half].
        if remainder == half, lower == 0 { return nil }
        if remainder == half &- 1, lower >= UInt64.max &- 1 { return nil }
        var mantissa = (upper >> dropped) &+ (remainder >= half ? 1 : 0)
        // value ≈ mantissa × 2^(dropped + 128 + powerExponent - shifted)
        var unitExponent = Int(dropped) &+ 128 &+ powerExponent &- shifted
        if mantissa == 1 << 53 {
            mantissa >>= 1
            unitExponent &+= 1
        }
        let biased = unitExponent &+ 52 &+ 1023
        guard biased >= 1, biased <= 2046 else { return nil }
        return Double(bitPattern: UInt64(biased) << 52 | mantissa & ((1 << 52) &- 1))
    }

    /// e with 10^q = T × 2^e, T's top bit bit 127: ⌊q log2 10⌋ - 127, where
    /// 217706 / 2^16 approximates log2 10 closely enough for |q| ≤ 1,000
    /// (the table's construction checks it for every entry).
    @inline(__always)
    static func binaryExponent(ofTenToThe exponent: Int) -> Int {
        (exponent &* 217_706) >> 16 &- 127
    }

    /// Two words per power, most significant first: T truncated.
    private static let table: [UInt64] = {
        var words: [UInt64] = []
        words.reserveCapacity(2 * (largestExponent - smallestExponent + 1))
        // Negative powers: ⌊2^n / 10^k⌋ for k = 342 down to 1, from one
        // numerator wide enough to keep more than 128 bits at k = 342.
        let numeratorBits = 1_400
        var quotient = BigNumber(1)
        for _ in 0..<numeratorBits { quotient.multiply(by: 2) }
        var quotients: [(UInt64, UInt64, Int)] = []
        for _ in 1...(-smallestExponent) {
            quotient.divide(by: 10)
            let shift = quotient.bitWidth - 128
            quotients.append((quotient.word(atBit: shift + 64), quotient.word(atBit: shift), shift - numeratorBits))
        }
        var power = BigNumber(1)
        var powers: [(UInt64, UInt64, Int)] = []
        for exponent in 0...largestExponent {
            if exponent > 0 { power.multiply(by: 10) }
            let shift = power.bitWidth - 128
            powers.append((power.word(atBit: shift + 64), power.word(atBit: shift), shift))
        }
        for (exponent, entry) in zip(smallestExponent...largestExponent, quotients.reversed() + powers) {
            precondition(entry.0 >> 63 == 1 && entry.2 == binaryExponent(ofTenToThe: exponent), "10^\(exponent) normalized")
            words += [entry.0, entry.1]
        }
        return words
    }()
}
