import Testing
@testable import RadixCache

@Suite struct SnapshotCellTests {
    final class Box: Sendable {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    @Test func readersGetTheNewestValue() {
        let cell = SnapshotCell(Box(0))
        #expect(cell.load().value == 0)
        cell.publish(Box(1))
        #expect(cell.load().value == 1)
    }

    @Test func aReplacedValueIsFreedOnceNoReaderCanBeTakingIt() {
        let cell = SnapshotCell(Box(0))
        weak let first = cell.load()
        cell.publish(Box(1))
        #expect(first != nil)  // retired, waiting for the epoch to turn
        cell.publish(Box(2))
        #expect(first == nil)
        #expect(cell.heldCount == 1)
    }

    @Test func aReplacedValueOutlivesEveryReaderThatMightStillTakeIt() {
        let cell = SnapshotCell(Box(0))
        weak let first = cell.load()
        let visit = cell.enter()  // a reader that has not loaded the pointer yet
        for value in 1...3 { cell.publish(Box(value)) }
        #expect(first != nil)
        cell.leave(visit)
        cell.publish(Box(4))
        #expect(first == nil)
    }

    @Test func aValueInUseByAReaderOutlivesItsReplacement() {
        let cell = SnapshotCell(Box(0))
        weak var first: Box?
        cell.read { value in
            first = value
            for value in 1...3 { cell.publish(Box(value)) }
            #expect(first != nil)
        }
        cell.publish(Box(4))
        #expect(first == nil)
    }

    @Test func aValueAReaderTookOutlivesItsReplacement() {
        let cell = SnapshotCell(Box(0))
        let taken = cell.load()
        for value in 1...4 { cell.publish(Box(value)) }
        #expect(taken.value == 0)
        #expect(cell.heldCount <= 2)
    }

    /// Whether the writer's next publish may free something large: a value
    /// published as large and not freed yet, or many held back by a reader.
    @Test func saysWhenItsNextPublishMayFreeSlowly() {
        let cell = SnapshotCell(Box(0))
        cell.publish(Box(1), replacedIsLarge: true)
        #expect(cell.mayFreeSlowly)
        cell.publish(Box(2))  // frees the large one
        #expect(!cell.mayFreeSlowly)

        let visit = cell.enter()
        for value in 3...(3 + SnapshotCell<Box>.quickFreeLimit) { cell.publish(Box(value)) }
        #expect(cell.mayFreeSlowly)
        cell.leave(visit)
        cell.publish(Box(100))  // retires the values the reader held back
        cell.publish(Box(101))  // and frees them
        #expect(!cell.mayFreeSlowly)
    }
}
