import CThreadPlacement
import Glibc

/// Why `EventLoop.dedicateCPU` could not give the loop a CPU of its own.
public struct DedicatedCPUError: Error, CustomStringConvertible {
    public let cpu: Int
    let reason: String

    public var description: String { "cannot run the event loop alone on CPU \(cpu): \(reason)" }
}

extension EventLoop {
    /// Runs the loop thread alone on `cpu`, as nginx's `worker_cpu_affinity`
    /// does for its workers: thread-pool work (tokenizing long prompts,
    /// large JSON) and the loop's other threads run on the process's other
    /// CPUs and never take the loop's core. Call on the loop thread before
    /// any `offload`: the pool threads already started stay where they are.
    ///
    /// libuv starts every pool thread at the pool's first use, and a thread
    /// starts with its creator's CPU set. So the calling thread first moves
    /// to the other CPUs, starts the pool, then pins itself to `cpu`.
    /// Background threads started later are placed by `backgroundPlacement`,
    /// except the lag probe, which measures the loop's CPU from that CPU.
    public func dedicateCPU(_ cpu: Int) throws(DedicatedCPUError) {
        var others = slime_cpu_set()
        guard let cpu32 = Int32(exactly: cpu), slime_cpus_except(cpu32, &others) == 0 else {
            throw DedicatedCPUError(
                cpu: cpu,
                reason: errno == EINVAL
                    ? "the process may not use it, or it is the only CPU the process may use" : String(cString: strerror(errno)))
        }
        let placement = ThreadPlacement(cpus: others)
        placement.apply()
        offload({}, then: {})
        guard slime_thread_pin(cpu32) == 0 else {
            throw DedicatedCPUError(cpu: cpu, reason: String(cString: strerror(errno)))
        }
        backgroundPlacement = placement
    }
}
