import Testing
@testable import WorkerClient

@Suite struct WaitingQueueTests {
    final class Waiter {
        let number: Int
        init(_ number: Int) { self.number = number }
    }

    private func drain(_ queue: inout WaitingQueue<Waiter>) -> [Int] {
        var numbers: [Int] = []
        while let waiter = queue.popFirst() { numbers.append(waiter.number) }
        return numbers
    }

    @Test func firstComeFirstServedWithHolesSkippedAndOneSentAgainFirst() {
        var queue = WaitingQueue<Waiter>()
        let waiters = (0..<5).map(Waiter.init)
        for waiter in waiters { queue.append(waiter) }
        queue.remove(waiters[1])
        queue.remove(waiters[3])
        #expect(queue.count == 3)
        #expect(queue.popFirst()?.number == 0)
        queue.prepend(waiters[0])
        queue.prepend(Waiter(9))
        #expect(drain(&queue) == [9, 0, 2, 4])
        #expect(queue.count == 0)
        #expect(queue.popFirst() == nil)
    }

    /// Thousands waiting, taken and refilled in turns: order kept, count right.
    @Test func aLongQueueKeepsItsOrderThroughCompaction() {
        var queue = WaitingQueue<Waiter>()
        var expected: [Int] = []
        var next = 0, served: [Int] = []
        for round in 0..<20 {
            for _ in 0..<(300 + round) {
                queue.append(Waiter(next))
                expected.append(next)
                next += 1
            }
            for _ in 0..<250 { served.append(queue.popFirst()!.number) }
        }
        served += drain(&queue)
        #expect(served == expected)
    }
}
