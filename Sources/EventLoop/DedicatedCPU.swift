import CUV

/// Why `EventLoop.dedicateCPU` could not give the loop a CPU of its own.
public struct DedicatedCPUError: Error, CustomStringConvertible {
    public let cpu: Int
    public var description: String {
        "cannot run the event loop alone on CPU \(cpu): the process may not use it, or it is the only CPU the process may use"
    }
}

extension EventLoop {
    /// Runs the loop thread alone on `cpu`, as nginx's `worker_cpu_affinity`
    /// does for its workers: thread-pool work (tokenizing long prompts,
    /// large JSON) then runs on the process's other CPUs and never takes
    /// the loop's core. Call on the loop thread before any `offload`.
    ///
    /// libuv starts every pool thread at the pool's first use, and a thread
    /// starts with its creator's CPU set. So the calling thread first leaves
    /// `cpu`, starts the pool, then pins itself to `cpu`.
    public func dedicateCPU(_ cpu: Int) throws(DedicatedCPUError) {
        guard let cpu32 = Int32(exactly: cpu), slime_thread_avoid_cpu(cpu32) == 0 else {
            throw DedicatedCPUError(cpu: cpu)
        }
        offload({}, then: {})
        guard slime_thread_pin(cpu32) == 0 else { throw DedicatedCPUError(cpu: cpu) }
    }
}
