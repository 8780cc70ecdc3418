/// Just enough of an unsigned big integer to build the power-of-ten tables
/// (`PowersOfTen`, `NearestDouble`) exactly, once: 32-bit limbs, least
/// significant first.
struct BigNumber {
    private var limbs: [UInt32]

    init(_ value: UInt32) { limbs = [value] }

    mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry > 0 { limbs.append(UInt32(carry)) }
    }

    /// Divides, dropping the remainder.
    mutating func divide(by divisor: UInt32) {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let dividend = remainder << 32 | UInt64(limbs[index])
            limbs[index] = UInt32(dividend / UInt64(divisor))
            remainder = dividend % UInt64(divisor)
        }
        while limbs.count > 1, limbs.last == 0 { limbs.removeLast() }
    }

    var bitWidth: Int { limbs.count * 32 - limbs.last!.leadingZeroBitCount }

    /// Bits `offset` to `offset + 63` as a word; positions below 0 are 0.
    func word(atBit offset: Int) -> UInt64 {
        var word: UInt64 = 0
        for bit in 0..<64 {
            let position = offset + bit
            guard position >= 0, position / 32 < limbs.count else { continue }
            word |= UInt64(limbs[position / 32] >> (position % 32) & 1) << bit
        }
        return word
    }
}
