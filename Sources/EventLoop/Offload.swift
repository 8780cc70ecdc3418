internal import CUV

/// One piece of work handed to another thread and the continuation that
/// brings its result back to the loop thread.
///
/// `@unchecked Sendable`: `result` is written by the worker thread in
/// `runOffLoop` and read by the loop thread in `completeOnLoop`; the hand-off
/// between them orders the two (libuv's pool posts completion through a
/// mutex and an async handle, `SerialOffload` through its own mutex).
final class OffloadJob<Result>: @unchecked Sendable {
    let work: @Sendable () -> Result
    var completion: ((Result) -> Void)?
    var result: Result?

    init(work: @escaping @Sendable () -> Result, completion: @escaping (Result) -> Void) {
        self.work = work
        self.completion = completion
    }

    func runOffLoop() { result = work() }

    func completeOnLoop() {
        if let result { completion?(result) }
        completion = nil
    }
}

extension EventLoop {
    /// Runs `work` on a thread-pool thread, then `completion` with its result
    /// on the loop thread. The loop never waits for the work.
    ///
    /// The pool has `UV_THREADPOOL_SIZE` threads (libuv's default 4); set the
    /// variable before the first call to change it.
    public func offload<Result>(_ work: @escaping @Sendable () -> Result, then completion: @escaping (Result) -> Void) {
        let job = OffloadJob(work: work, completion: completion)
        let request = UnsafeMutablePointer<uv_work_t>.allocate(capacity: 1)
        request.initialize(to: uv_work_t())
        request.pointee.data = UnsafeMutableRawPointer(Unmanaged.passRetained(job as AnyObject).toOpaque())
        let status = uv_queue_work(
            uvLoop, request,
            { request in
                guard let data = request?.pointee.data else { return }
                (Unmanaged<AnyObject>.fromOpaque(data).takeUnretainedValue() as? any OffLoopRunnable)?.runOffLoop()
            },
            { request, _ in
                guard let request else { return }
                if let data = request.pointee.data {
                    let job = Unmanaged<AnyObject>.fromOpaque(data).takeRetainedValue()
                    (job as? any OffLoopRunnable)?.completeOnLoop()
                }
                request.deallocate()
            })
        precondition(status == 0, "uv_queue_work failed: \(UVError(status))")
    }
}

/// Type-erases `OffloadJob` for the C callbacks and queues, which cannot be generic.
protocol OffLoopRunnable: AnyObject {
    func runOffLoop()
    func completeOnLoop()
}

extension OffloadJob: OffLoopRunnable {}
