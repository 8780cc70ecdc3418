import Testing
@testable import Tokenizer

/// The split scanner's character classes: a table for the Basic
/// Multilingual Plane, Unicode's properties read on the fly above it.
@Suite struct ScalarClassTableTests {
    static let table = ScalarClassTable.shared

    @Test func theTableAgreesWithThePropertiesForEveryBMPScalar() {
        var disagreeing: [UInt32] = []
        for value in UInt32(0)..<0x10000 where Self.table.classOf(value) != ScalarClass(of: value) {
            disagreeing.append(value)
        }
        #expect(disagreeing.isEmpty, "first: \(disagreeing.prefix(5))")
    }

    /// Astral scalars of every class the patterns ask about (none is
    /// whitespace), the last scalar, and values that are no scalar.
    @Test(
        arguments: [
            (0x1D400, ScalarClass.letter),  // 𝐀 MATHEMATICAL BOLD CAPITAL A (Lu)
            (0x20000, .letter),  // CJK Extension B (Lo)
            (0x1D7CE, .number),  // 𝟎 MATHEMATICAL BOLD DIGIT ZERO (Nd)
            (0x10140, .number),  // GREEK ACROPHONIC ATTIC ONE QUARTER (Nl)
            (0x10107, .number),  // AEGEAN NUMBER ONE (No)
            (0x1D167, .mark),  // MUSICAL SYMBOL COMBINING TREMOLO-1 (Mn)
            (0x11000, .mark),  // BRAHMI SIGN CANDRABINDU (Mc)
            (0x1F600, []),  // 😀 (So)
            (0x10FFFF, []),  // a noncharacter (Cn)
            (0xD800, []),  // a surrogate: no scalar
            (0x110000, []),  // past Unicode: no scalar
        ] as [(UInt32, ScalarClass)])
    func astralScalarsAreClassifiedByTheirProperties(value: UInt32, expected: ScalarClass) {
        #expect(Self.table.classOf(value) == expected)
        #expect(ScalarClass(of: value) == expected)
    }
}
