/// Thread-pool jobs that run one at a time, in submission order: for work
/// that must stay off the loop but allows a single writer (the radix cache's
/// inserts). Each job starts after the previous one's completion ran on the
/// loop, so consecutive jobs are ordered even on different pool threads.
public final class SerialOffload {
    private let loop: EventLoop
    private var pending: [(@escaping () -> Void) -> Void] = []
    private var isRunning = false

    public init(loop: EventLoop) { self.loop = loop }

    /// Jobs submitted and not yet completed.
    public var queuedCount: Int { pending.count + (isRunning ? 1 : 0) }

    /// Queues `work`; `completion` runs on the loop once it is done.
    public func submit<Result>(_ work: @escaping @Sendable () -> Result, then completion: @escaping (Result) -> Void) {
        pending.append { [loop] next in
            loop.offload(work) { result in
                completion(result)
                next()
            }
        }
        if !isRunning { runNext() }
    }

    private func runNext() {
        guard !pending.isEmpty else {
            isRunning = false
            return
        }
        isRunning = true
        let job = pending.removeFirst()
        job { [self] in runNext() }
    }
}
