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

    @Test func raisingKeepsTheHigherRankAndGivesTiesToTheLaterInsert() {
        #expect(WeightVersion("9").raised(to: WeightVersion("10")).label == "10")
        #expect(WeightVersion("10").raised(to: WeightVersion("9")).label == "10")
        #expect(WeightVersion("default").raised(to: WeightVersion("main")).label == "main")
        #expect(WeightVersion("07").raised(to: WeightVersion("7")).label == "7")
        #expect(WeightVersion("1").raised(to: WeightVersion("default")).label == "1")
    }
}
