/// The shortest decimal that reads back as a given double, and of those the
/// nearest to it (the even one of two as near): the digits Swift's
/// `description` prints.
///
/// The method is Giulietti's Schubfach. A positive double v is c × 2^q.
/// It rounds from everything strictly between its neighbours' midpoints
/// (the midpoints too when c is even: reading rounds ties to even), which
/// bounds an interval of width 2^q, or 3/4 of it below a power of two.
/// With k the largest exponent such that 10^k is at most that width, the
/// interval holds one or two multiples of 10^k, and at most one of 10^(k+1):
/// that one if the interval holds it (one digit fewer), else the multiple of
/// 10^k nearest to v. Everything is compared in quarter units of 10^k, v and
/// the interval's ends scaled by 10^-k.
///
/// The scaling multiplies by a 192-bit approximation of 10^-k that errs
/// upwards by less than 2^-191 of it, which keeps both the integer part of
/// each scaled value and whether it has a fractional part exact, as long as
/// a fractional part cannot be smaller than that error: it is a multiple of
/// 2^q (q < 0) or of 5^-k (k > 0), so q ≥ -128 and k ≤ 55. That covers
/// magnitudes from about 1.3e-23 to 1e72, log-probabilities included; for
/// the others `digits(of:powers:)` gives nil.
enum ShortestDecimal {
    /// `value`'s shortest digits as an integer of 16 or 17 digits (it may
    /// end in zeros: v × 10^-k is at least 2^52, below 10 × 2^53) and the
    /// power of ten that scales it: value ≈ digits × 10^exponent. `value` is
    /// positive and finite; nil outside the range above.
    @inline(__always)
    static func digits(of value: Double, powers: PowersOfTen) -> (digits: UInt64, exponent: Int)? {
        let bits = value.bitPattern
        let fraction = bits & (1 &<< 52 &- 1)
        let q = Int(bits &>> 52) &- 1075  // the biased exponent's 0 (subnormals) falls below -128 too
        guard q >= -128 else { return nil }
        let c = fraction | 1 &<< 52
        // At a power of two (no fraction bits), the spacing below v is half that above.
        let irregular = fraction == 0
        let k = decimalExponent(binaryExponent: q, irregular: irregular)
        guard -k >= PowersOfTen.smallestExponent else { return nil }
        let power = powers.tenToThe(-k)
        // Scaled values are (c × 4, shifted by h) × significand / 2^192.
        let h = q &+ power.binaryExponent &+ 192
        assert((1...4).contains(h))
        let scale = { (quarters: UInt64) in
            roundedToOdd(quarters &<< h, times: (power.high, power.middle, power.low))
        }
        let centre = c &<< 2
        let scaled = scale(centre)
        let lower = scale(irregular ? centre &- 1 : centre &- 2)
        let upper = scale(centre &+ 2)
        let excluded: UInt64 = c & 1  // an odd c's interval is open

        let below = scaled &>> 2
        if below >= 10 {
            let belowTen = below / 10 &* 10
            let aboveTen = belowTen &+ 10
            let belowIn = lower &+ excluded <= belowTen &<< 2
            let aboveIn = aboveTen &<< 2 &+ excluded <= upper
            if belowIn != aboveIn { return (belowIn ? belowTen : aboveTen, k) }
        }
        let above = below &+ 1
        let belowIn = lower &+ excluded <= below &<< 2
        let aboveIn = above &<< 2 &+ excluded <= upper
        if belowIn != aboveIn { return (belowIn ? below : above, k) }
        // Both in: the nearer, or the even one at equal distance.
        let midpoint = (below &+ above) &<< 1
        let nearer = scaled < midpoint || (scaled == midpoint && below & 1 == 0) ? below : above
        return (nearer, k)
    }

    /// floor(log10(2^q)), or floor(log10(3/4 × 2^q)) when `irregular`:
    /// 2^22 log10 2 ≈ 1262611.9, 2^22 log10 4/3 ≈ 524031.3 (the tests check
    /// every q from -128 up to where k passes 55).
    @inline(__always)
    static func decimalExponent(binaryExponent q: Int, irregular: Bool) -> Int {
        (q &* 1_262_611 &- (irregular ? 524_031 : 0)) &>> 22
    }

    /// `quarters` × `significand` / 2^192, rounded down, with its lowest bit
    /// set if anything was dropped ("round to odd"): compared with even
    /// numbers, it answers as the exact value would. The approximation's
    /// error leaves less than `quarters` (under 2^60) in the 192 bits dropped
    /// from an exact product; an inexact one leaves at least 2^64 (see above),
    /// so only the upper two of the three dropped words decide.
    @inline(__always)
    private static func roundedToOdd(_ quarters: UInt64, times significand: (UInt64, UInt64, UInt64)) -> UInt64 {
        let lowProduct = quarters.multipliedFullWidth(by: significand.2)
        let middleProduct = quarters.multipliedFullWidth(by: significand.1)
        let highProduct = quarters.multipliedFullWidth(by: significand.0)
        let (second, carryIntoThird) = middleProduct.low.addingReportingOverflow(lowProduct.high)
        let (thirdPartial, carryA) = highProduct.low.addingReportingOverflow(middleProduct.high)
        let (third, carryB) = thirdPartial.addingReportingOverflow(carryIntoThird ? 1 : 0)
        let top = highProduct.high &+ (carryA ? 1 : 0) &+ (carryB ? 1 : 0)
        return top | ((second | third) != 0 ? 1 : 0)
    }
}
