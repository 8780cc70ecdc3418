internal import CUV

/// One libuv loop, driven from the thread that calls `run()`.
///
/// Everything in this module (and in the layers above it) that touches an
/// `EventLoop` or one of its handles must do so on that thread; the only ways
/// in from other threads are `offload` results and `LoopWakeup`.
public final class EventLoop {
    let uvLoop: UnsafeMutablePointer<uv_loop_t>
    /// One read buffer for every connection of the loop: read callbacks run
    /// one at a time on the loop thread and consume the bytes before returning.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// Small writes wait here for the end of the iteration.
    let writeBatch: WriteBatch
    /// Where the loop's background threads run (see `dedicateCPU`).
    public internal(set) var backgroundPlacement = ThreadPlacement.inherited

    public init() {
        BrokenPipeSignal.ignore()
        uvLoop = .allocate(capacity: 1)
        let status = uv_loop_init(uvLoop)
        precondition(status == 0, "uv_loop_init failed: \(UVError(status))")
        writeBatch = WriteBatch(uvLoop: uvLoop)
    }

    deinit {
        writeBatch.close()
        // Handles still open at this point are closed and their callbacks run
        // so that their memory is returned before the loop goes.
        uv_walk(
            uvLoop,
            { handle, _ in
                if let handle, uv_is_closing(handle) == 0 { uv_close(handle, nil) }
            }, nil)
        uv_run(uvLoop, UV_RUN_DEFAULT)
        uv_loop_close(uvLoop)
        uvLoop.deallocate()
        readBuffer.deallocate()
    }

    /// Runs until no active handles remain or `stop()` is called.
    public func run() {
        uv_run(uvLoop, UV_RUN_DEFAULT)
        // From libuv 1.45 timers run at the end of an iteration, after the
        // check phase: writes a timer held back before `stop()` go out here.
        writeBatch.flush()
    }

    /// Runs one iteration without blocking; used by deterministic tests.
    @discardableResult
    public func runOnce() -> Bool {
        uv_run(uvLoop, UV_RUN_NOWAIT) != 0
    }

    public func stop() {
        uv_stop(uvLoop)
    }

    /// The loop's cached clock, in milliseconds.
    public var now: UInt64 { uv_now(uvLoop) }

    /// A monotonic clock in nanoseconds, for latency measurements.
    public static func monotonicNanoseconds() -> UInt64 { uv_hrtime() }
}
