/// Values due at deadlines, earliest first, for one timer to serve them all
/// (`RequestTimeouts`). With one request timeout for every request,
/// deadlines arrive in order and adding is an append; a deadline of its own
/// (a health probe's) is inserted in place. Removing is lazy: the entry
/// stays in the order until its deadline passes or a compaction drops it,
/// so that removals never shift the queue; compactions keep it within twice
/// the values pending.
struct DeadlineQueue<Value> {
    typealias Ticket = UInt64

    /// Ascending by deadline from `head` on; entries before `head` are gone.
    private var order: [(deadline: UInt64, ticket: Ticket)] = []
    private var head = 0
    private var pending: [Ticket: Value] = [:]
    private var nextTicket: Ticket = 0

    var count: Int { pending.count }
    /// Entries still in the order, removed ones included: bounded by compaction.
    var queuedEntries: Int { order.count - head }

    mutating func add(_ value: Value, deadline: UInt64) -> Ticket {
        nextTicket += 1
        pending[nextTicket] = value
        if let last = order.last, last.deadline > deadline {
            var low = head, high = order.count  // binary search: after every deadline not later
            while low < high {
                let middle = (low + high) / 2
                if order[middle].deadline <= deadline { low = middle + 1 } else { high = middle }
            }
            order.insert((deadline, nextTicket), at: low)
        } else {
            order.append((deadline, nextTicket))
        }
        return nextTicket
    }

    mutating func remove(_ ticket: Ticket) {
        pending[ticket] = nil
        if order.count - head > 2 * pending.count + 64 { compact() }
    }

    /// The earliest deadline of a value still pending.
    mutating func earliestDeadline() -> UInt64? {
        while head < order.count, pending[order[head].ticket] == nil { head += 1 }
        return head < order.count ? order[head].deadline : nil
    }

    /// Removes and returns the values due at `now`, earliest first.
    mutating func popDue(at now: UInt64) -> [Value] {
        var due: [Value] = []
        while head < order.count, order[head].deadline <= now {
            if let value = pending.removeValue(forKey: order[head].ticket) { due.append(value) }
            head += 1
        }
        if head > 1024, head * 2 > order.count { compact() }
        return due
    }

    private mutating func compact() {
        order = order[head...].filter { pending[$0.ticket] != nil }
        head = 0
    }
}
