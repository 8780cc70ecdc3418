import Testing
@testable import RadixCache

@Suite struct WeightVersionTests {
    @Test func numericStringsCompareAsNumbers() {
        #expect(WeightVersion("10").rank > WeightVersion("9").rank)
        #expect(WeightVersion("007").rank == 7)
    }

    @Test func otherStringsRankBelowEveryNumberAndEqually() {
        #expect(WeightVersion("default").rank < WeightVersion("0").rank)
        #expect(WeightVersion("default").rank == WeightVersion("v2").rank)
        #expect(WeightVersion("-3").rank == WeightVersion.unnumberedRank)
        #expect(WeightVersion("").rank == WeightVersion.unnumberedRank)
        #expect(WeightVersion("99999999999999999999").rank == WeightVersion.unnumberedRank)
    }
}
