import Testing
@testable import RadixCache

/// An insert goes through stored tokens only where every value is the
/// same, log-probabilities bit for bit, however far into a run (the
/// comparison goes eight tokens at a time, then one by one at the tail)
/// and however small the difference: below a `Float`'s precision, the sign
/// of a zero, a NaN's payload.
@Suite struct ValueComparisonTests {
    let vocabulary = TestVocabulary.shared

    /// Pairs of log-probabilities that differ, each first as stored, then as inserted again.
    static let differing: [(stored: Double, inserted: Double)] = [
        (Double(Float(-0.3)), Double(Float(-0.3)).nextDown),  // one double ulp: the same Float
        (-0.3, (-0.3).nextUp),  // neither a Float
        (-0.3, Double(Float(-0.3))),  // only the second a Float
        (0.0, -0.0),
        (Double(Float.nan), Double(bitPattern: 0x7FF8_0000_0000_0001)),
        (Double(bitPattern: 0x7FF8_0000_0000_0001), Double(bitPattern: 0x7FF8_0000_0000_0002)),
        (Double(Float(-1.5)), Double(Float(-1.5).nextUp)),  // one Float ulp
        // Stored values are compared widened: Float NaNs of two payloads, and
        // a signalling NaN beside the quiet one its Float would widen to.
        (Double(Float(bitPattern: 0x7FC0_0001)), Double(Float(bitPattern: 0x7FC0_0002))),
        (Double(bitPattern: 0x7FF0_0000_2000_0000), Double(bitPattern: 0x7FF8_0000_2000_0000)),
        (Double(bitPattern: 0x7FF8_0000_2000_0000), Double(bitPattern: 0x7FF0_0000_2000_0000)),
        // Doubles out of a Float's range beside the Float they narrow to:
        // infinity, zero, a Float subnormal.
        (-.infinity, -1e300),
        (-1e300, -.infinity),
        (0.0, .leastNonzeroMagnitude),
        (-.leastNonzeroMagnitude, -0.0),
        (Double(Float.leastNonzeroMagnitude), Double(Float.leastNonzeroMagnitude).nextUp),
    ]

    /// The second insert differs from the first at one token only: a
    /// lookup (the most recent wins) must return the second's values, so
    /// the insert must have branched at that token.
    @Test(arguments: [1, 7, 8, 9, 16, 17, 23])
    func aDifferenceAtAnyTokenBranches(count: Int) throws {
        let text = String(repeating: "x", count: count)
        for (stored, inserted) in Self.differing {
            for position in 0..<count {
                for neighbours in [Double(Float(-2.5)), -2.7] {  // Floats only, and escaped values beside
                    let cache = RadixCache(tokenBytes: vocabulary)
                    var first = Array(repeating: neighbours, count: count)
                    first[position] = stored
                    var second = first
                    second[position] = inserted
                    for logprobs in [first, second] {
                        try cache.insert(
                            text: text, tokens: vocabulary.bytewise(text), logprobs: logprobs,
                            lossMask: Array(repeating: 0, count: count), weightVersion: "1")
                    }
                    let found = cache.match(text).logprobs.map(\.bitPattern)
                    #expect(found == second.map(\.bitPattern), "\(stored) then \(inserted) at \(position) of \(count)")
                }
            }
        }
    }

    /// The same values go through the stored tokens: nothing new is stored.
    @Test(arguments: [1, 8, 9, 23])
    func theSameValuesGoThrough(count: Int) throws {
        let text = String(repeating: "x", count: count)
        let values = Self.differing.flatMap { [$0.stored, $0.inserted] }
        let logprobs = (0..<count).map { values[$0 % values.count] }
        let cache = RadixCache(tokenBytes: vocabulary)
        for _ in 0..<2 {
            try cache.insert(
                text: text, tokens: vocabulary.bytewise(text), logprobs: logprobs,
                lossMask: Array(repeating: 0, count: count), weightVersion: "1")
        }
        #expect(cache.statistics.nodes == 2)
        #expect(cache.match(text).logprobs.map(\.bitPattern) == logprobs.map(\.bitPattern))
    }
}
