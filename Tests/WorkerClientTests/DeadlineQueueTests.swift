import Testing
@testable import WorkerClient

/// The order one timer serves request timeouts in: earliest first, values
/// removed before their deadline never come due, and the queue stays
/// bounded however many requests finish before their timeout.
@Suite struct DeadlineQueueTests {
    @Test func dueValuesComeEarliestFirstWhateverTheOrderTheyWereAdded() {
        var queue = DeadlineQueue<String>()
        _ = queue.add("b", deadline: 200)
        _ = queue.add("d", deadline: 400)
        _ = queue.add("a", deadline: 100)  // a probe's shorter timeout, added later
        _ = queue.add("c", deadline: 200)
        #expect(queue.earliestDeadline() == 100)
        #expect(queue.popDue(at: 99).isEmpty)
        #expect(queue.popDue(at: 200) == ["a", "b", "c"])
        #expect(queue.earliestDeadline() == 400)
        #expect(queue.popDue(at: 1_000) == ["d"])
        #expect(queue.earliestDeadline() == nil)
    }

    @Test func removedValuesNeverComeDue() {
        var queue = DeadlineQueue<Int>()
        let first = queue.add(1, deadline: 10)
        _ = queue.add(2, deadline: 20)
        let third = queue.add(3, deadline: 30)
        queue.remove(first)
        queue.remove(third)
        #expect(queue.earliestDeadline() == 20)
        #expect(queue.popDue(at: 100) == [2])
        #expect(queue.count == 0)
    }

    /// Requests that finish before their timeout, as nearly all do: what
    /// stays queued is bounded by those still pending.
    @Test func finishedRequestsDoNotAccumulate() {
        var queue = DeadlineQueue<Int>()
        var live: [DeadlineQueue<Int>.Ticket] = []
        for request in 0..<100_000 {
            live.append(queue.add(request, deadline: UInt64(600_000 + request)))
            if live.count > 10 { queue.remove(live.removeFirst()) }
        }
        #expect(queue.count == 10)
        #expect(queue.queuedEntries <= 2 * queue.count + 65)
        #expect(queue.popDue(at: .max) == Array(99_990..<100_000))
    }
}
