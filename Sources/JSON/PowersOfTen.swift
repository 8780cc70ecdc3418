/// Powers of ten as 192-bit binary approximations, for `ShortestDecimal`:
/// 10^m ≈ `significand` × 2^`binaryExponent`, the significand in
/// [2^191, 2^192) and rounded up (exact where 10^m fits, m ≥ 0).
///
/// The table is computed once from exact big-integer arithmetic, for the
/// exponents `ShortestDecimal` handles: m from -55 through 40.
struct PowersOfTen {
    static let smallestExponent = -55
    static let largestExponent = 40

    /// Three words per power, most significant first.
    private static let words: [UInt64] = table.flatMap { [$0.high, $0.middle, $0.low] }
    private static let binaryExponents: [Int] = table.map(\.binaryExponent)

    private static let table: [(high: UInt64, middle: UInt64, low: UInt64, binaryExponent: Int)] =
        (smallestExponent...largestExponent).map(approximation(ofTenToThe:))

    private let words: UnsafePointer<UInt64>
    private let binaryExponents: UnsafePointer<Int>

    /// Calls `body` with the shared table.
    @inline(__always)
    static func withTable<Result>(_ body: (PowersOfTen) -> Result) -> Result {
        words.withUnsafeBufferPointer { words in
            binaryExponents.withUnsafeBufferPointer { exponents in
                body(PowersOfTen(words: words.baseAddress!, binaryExponents: exponents.baseAddress!))
            }
        }
    }

    /// 10^`exponent` (within the table's range) as its significand's words,
    /// most significant first, and its binary exponent.
    @inline(__always)
    func tenToThe(_ exponent: Int) -> (high: UInt64, middle: UInt64, low: UInt64, binaryExponent: Int) {
        let index = exponent &- Self.smallestExponent
        let power = words + 3 &* index
        return (power[0], power[1], power[2], binaryExponents[index])
    }

    private static func approximation(ofTenToThe exponent: Int) -> (high: UInt64, middle: UInt64, low: UInt64, binaryExponent: Int) {
        if exponent >= 0 {
            // Exact: 10^40 has 133 bits.
            var power = BigNumber(1)
            for _ in 0..<exponent { power.multiply(by: 10) }
            let shift = power.bitWidth - 192
            return (power.word(atBit: shift + 128), power.word(atBit: shift + 64), power.word(atBit: shift), shift)
        }
        // 2^n / 10^-exponent with n large enough to leave more than 192 bits,
        // truncated to 192 and rounded up: never exact, as 5 does not divide 2^n.
        let numeratorBits = 320 + 4 * -exponent
        var quotient = BigNumber(1)
        for _ in 0..<numeratorBits { quotient.multiply(by: 2) }
        for _ in 0..<(-exponent) { quotient.divide(by: 10) }
        let shift = quotient.bitWidth - 192
        let (low, carry) = quotient.word(atBit: shift).addingReportingOverflow(1)
        let (middle, carryOut) = quotient.word(atBit: shift + 64).addingReportingOverflow(carry ? 1 : 0)
        let high = quotient.word(atBit: shift + 128) + (carryOut ? 1 : 0)
        precondition(high >> 63 == 1, "rounding 10^\(exponent) up stays within 192 bits")
        return (high, middle, low, shift - numeratorBits)
    }
}
