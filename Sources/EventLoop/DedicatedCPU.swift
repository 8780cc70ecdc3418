import CThreadPlacement
import Glibc

/// Why `EventLoop.dedicateCPU` could not give the loop a CPU of its own.
public struct DedicatedCPUError: Error, CustomStringConvertible {
    public let cpu: Int
    let reason: String

    public var description: String { "cannot run the event loop alone on CPU \(cpu): \(reason)" }
}

/// The CPUs a background thread of the loop (thread pool, cache writer)
/// runs on: all the process may use, or all but the loop's own.
public struct ThreadPlacement: Sendable {
    fileprivate let cpus: slime_cpu_set?

    static let anywhere = ThreadPlacement(cpus: nil)

    /// Moves the calling thread to these CPUs. Call first thing in a new thread.
    public func apply() {
        guard var cpus else { return }
        _ = slime_thread_use_cpus(&cpus)
    }
}

/// Names the calling thread (15 bytes at most), as `top -H` and /proc show it.
public func nameCurrentThread(_ name: String) {
    slime_thread_set_name(name)
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
    /// Threads started later apply `backgroundPlacement` themselves, except
    /// the lag probe, which measures the loop's CPU from that CPU.
    public func dedicateCPU(_ cpu: Int) throws(DedicatedCPUError) {
        var others = slime_cpu_set()
        guard let cpu32 = Int32(exactly: cpu), slime_cpus_except(cpu32, &others) == 0 else {
            throw DedicatedCPUError(cpu: cpu, reason: errno == EINVAL
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
