import EventLoop

/// The request timeouts of the native client on one loop timer, armed for
/// the earliest deadline, instead of a timer allocated per request.
final class RequestTimeouts {
    private let loop: EventLoop
    private var timer: LoopTimer?
    private var deadlines = DeadlineQueue<NativeTransfer>()
    /// The deadline the timer is armed for, if it is.
    private var armedFor: UInt64?

    init(loop: EventLoop) { self.loop = loop }

    deinit { timer?.cancel() }

    /// `transfer.timedOut()` runs after `milliseconds` unless `cancel` comes first.
    func start(_ transfer: NativeTransfer, afterMilliseconds milliseconds: Int) -> DeadlineQueue<NativeTransfer>.Ticket {
        let ticket = deadlines.add(transfer, deadline: Self.nowMilliseconds() + UInt64(milliseconds))
        arm()
        return ticket
    }

    func cancel(_ ticket: DeadlineQueue<NativeTransfer>.Ticket) {
        deadlines.remove(ticket)
        // The timer stays armed: it finds nothing due and re-arms for the next.
    }

    private func arm() {
        guard let earliest = deadlines.earliestDeadline() else {
            timer?.stop()
            armedFor = nil
            return
        }
        guard earliest != armedFor else { return }
        armedFor = earliest
        let now = Self.nowMilliseconds()
        let timer = self.timer ?? LoopTimer(loop: loop)
        self.timer = timer
        timer.start(afterMilliseconds: earliest > now ? earliest - now : 0) { [unowned self] in fire() }
    }

    private func fire() {
        armedFor = nil
        for transfer in deadlines.popDue(at: Self.nowMilliseconds()) { transfer.timedOut() }
        arm()
    }

    private static func nowMilliseconds() -> UInt64 { EventLoop.monotonicNanoseconds() / 1_000_000 }
}
