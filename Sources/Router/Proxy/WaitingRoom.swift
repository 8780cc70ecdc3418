import EventLoop

/// How requests wait for a worker instead of failing.
public struct QueueConfiguration: Sendable {
    /// Proxied requests at workers at once, router-wide; nil: no limit.
    public var maxConcurrentRequests: Int?
    /// Requests that may wait; 0: none waits, a request that finds no
    /// worker is answered 503 at once.
    public var queueSize = 0
    public var timeoutMilliseconds: UInt64 = 60_000

    public init() {}
}

/// Requests that found no worker to take them (none available, or
/// `maxConcurrentRequests` reached), first come first served. Each goes as
/// soon as a worker can take it: when a request at a worker ends, and on a
/// short tick while any wait (a worker re-added, healthy again, or its
/// circuit's cool-down over is noticed there). A newcomer does not pass
/// those waiting.
final class WaitingRoom {
    /// One waiting request.
    final class Ticket {
        fileprivate let tryStart: () -> Bool
        fileprivate var timer: LoopTimer?
        fileprivate let enteredAt = EventLoop.monotonicNanoseconds()

        fileprivate init(tryStart: @escaping () -> Bool) { self.tryStart = tryStart }
    }

    let configuration: QueueConfiguration
    private let loop: EventLoop
    private let metrics: RouterMetrics
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    @exclusivity(unchecked) private var queue: [Ticket] = []
    @exclusivity(unchecked) private var tick: LoopTimer?
    @exclusivity(unchecked) private var isWaking = false
    private static let tickMilliseconds: UInt64 = 50

    init(loop: EventLoop, configuration: QueueConfiguration, metrics: RouterMetrics) {
        self.loop = loop
        self.metrics = metrics
        self.configuration = configuration
    }

    /// Whether a request that finds no worker comes here: with a queue, or
    /// a concurrency limit (whose refusals, with no queue, are 429s).
    var waits: Bool { configuration.queueSize > 0 || configuration.maxConcurrentRequests != nil }

    func hasCapacity(inFlight: Int) -> Bool {
        configuration.maxConcurrentRequests.map { inFlight < $0 } ?? true
    }

    /// Whether a request that has not waited may go to a worker now.
    func admitsNewcomer(inFlight: Int) -> Bool { queue.isEmpty && hasCapacity(inFlight: inFlight) }

    /// Queues a request: `tryStart` is called when a worker may be free and
    /// says whether the request went; `timedOut` when it waited too long.
    /// Nil when the queue is full.
    func enter(tryStart: @escaping () -> Bool, timedOut: @escaping () -> Void) -> Ticket? {
        guard queue.count < configuration.queueSize else { return nil }
        let ticket = Ticket(tryStart: tryStart)
        ticket.timer = loop.schedule(afterMilliseconds: configuration.timeoutMilliseconds) { [weak self, unowned ticket] in
            self?.leave(ticket)
            self?.recordWait(ticket)
            timedOut()
        }
        queue.append(ticket)
        metrics.queueDepth.set(Int64(queue.count))
        if tick == nil {
            tick = loop.repeating(everyMilliseconds: Self.tickMilliseconds) { [weak self] in self?.wake() }
        }
        return ticket
    }

    /// The request no longer waits (its client left, or it timed out).
    func leave(_ ticket: Ticket) {
        ticket.timer?.cancel()
        ticket.timer = nil
        queue.removeAll { $0 === ticket }
        metrics.queueDepth.set(Int64(queue.count))
        stopTickingIfEmpty()
    }

    /// A worker may have become free: waiting requests go, in order, while they can.
    func wake() {
        guard !isWaking else { return }
        isWaking = true
        defer { isWaking = false }
        while let first = queue.first, first.tryStart() {
            first.timer?.cancel()
            first.timer = nil
            queue.removeFirst()
            recordWait(first)
        }
        metrics.queueDepth.set(Int64(queue.count))
        stopTickingIfEmpty()
    }

    private func recordWait(_ ticket: Ticket) {
        metrics.queueWait.record(Double(EventLoop.monotonicNanoseconds() &- ticket.enteredAt) / 1e9)
    }

    private func stopTickingIfEmpty() {
        guard queue.isEmpty else { return }
        tick?.cancel()
        tick = nil
    }
}
