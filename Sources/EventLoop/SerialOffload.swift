internal import CUV

/// Jobs that run one at a time, in submission order, on a thread of their
/// own: for work that must stay off the loop but allows a single writer (the
/// radix cache's inserts). Not on the shared thread pool, so a small job
/// never waits behind pool work such as tokenizing a 100K-token prompt, and
/// one-at-a-time holds by construction. Completions run on the loop, in
/// order. While jobs are pending they keep the loop running, as `offload`
/// work does.
public final class SerialOffload {
    private let queue = JobQueue()
    /// Both nil once closed.
    private var wakeup: LoopWakeup?
    private var thread: BackgroundThread?
    /// Jobs submitted whose completion has not run yet; while there are
    /// any, they keep the loop running.
    private var pending = 0 {
        didSet { wakeup?.keepsLoopAlive = pending > 0 }
    }

    /// `threadName` (15 bytes at most) is what `top -H` shows for the thread.
    public init(loop: EventLoop, threadName: String = "slime-serial") {
        let queue = queue
        let wakeup = LoopWakeup(loop: loop) { [unowned self] in
            for job in queue.takeFinished() {
                job.completeOnLoop()
                pending -= 1
            }
        }
        wakeup.keepsLoopAlive = false
        self.wakeup = wakeup
        thread = BackgroundThread(named: threadName, placement: loop.backgroundPlacement) {
            while let job = queue.next() {
                job.runOffLoop()
                queue.finish(job)
                wakeup.signal()
            }
        }
    }

    deinit { close() }

    /// Jobs submitted whose completion has not run yet.
    public var queuedCount: Int { pending }

    /// Queues `work`; `completion` runs on the loop once it is done.
    public func submit<Result>(_ work: @escaping @Sendable () -> Result, then completion: @escaping (Result) -> Void) {
        precondition(thread != nil, "SerialOffload used after close()")
        pending += 1
        queue.add(OffloadJob(work: work, completion: completion))
    }

    /// Lets the queued jobs run, stops the thread and closes the wake-up;
    /// completions not yet delivered are dropped. Loop thread only.
    public func close() {
        guard var running = thread else { return }
        thread = nil
        queue.close()
        running.join()
        wakeup?.close()
        wakeup = nil
    }
}

/// The jobs waiting for the thread and the finished ones waiting for the
/// loop, under one libuv mutex (`@unchecked Sendable`: every access holds it).
private final class JobQueue: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<uv_mutex_t>.allocate(capacity: 1)
    private let jobAdded = UnsafeMutablePointer<uv_cond_t>.allocate(capacity: 1)
    private var waiting: [any OffLoopRunnable] = []
    private var finished: [any OffLoopRunnable] = []
    private var isClosed = false

    init() {
        precondition(uv_mutex_init(mutex) == 0 && uv_cond_init(jobAdded) == 0, "uv_mutex_init/uv_cond_init failed")
    }

    deinit {
        uv_cond_destroy(jobAdded)
        uv_mutex_destroy(mutex)
        jobAdded.deallocate()
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        uv_mutex_lock(mutex)
        defer { uv_mutex_unlock(mutex) }
        return body()
    }

    func add(_ job: any OffLoopRunnable) {
        locked { waiting.append(job) }
        uv_cond_signal(jobAdded)
    }

    func close() {
        locked { isClosed = true }
        uv_cond_signal(jobAdded)
    }

    /// The next job, waiting for one; nil once closed and drained.
    func next() -> (any OffLoopRunnable)? {
        locked {
            while waiting.isEmpty, !isClosed { uv_cond_wait(jobAdded, mutex) }
            return waiting.isEmpty ? nil : waiting.removeFirst()
        }
    }

    func finish(_ job: any OffLoopRunnable) { locked { finished.append(job) } }

    func takeFinished() -> [any OffLoopRunnable] {
        locked {
            defer { finished.removeAll() }
            return finished
        }
    }
}
