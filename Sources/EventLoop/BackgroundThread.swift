import CThreadPlacement
internal import CUV

/// The CPUs a thread runs on: those of the thread that starts it, or a set
/// chosen for the loop's background threads (see `EventLoop.dedicateCPU`).
public struct ThreadPlacement: Sendable {
    let cpus: slime_cpu_set?

    /// The CPUs of the thread that starts it.
    static let inherited = ThreadPlacement(cpus: nil)

    /// Moves the calling thread to these CPUs.
    func apply() {
        guard var cpus else { return }
        _ = slime_thread_use_cpus(&cpus)
    }
}

/// A thread of the loop's own (the lag probe, the cache writer): named for
/// `top -H` and /proc, placed on its CPUs, joined by its owner.
struct BackgroundThread {
    private var handle = uv_thread_t()

    /// Starts `body` on a new thread named `name` (15 bytes at most).
    init(named name: String, placement: ThreadPlacement = .inherited, _ body: @escaping @Sendable () -> Void) {
        let start = Start(name: name, placement: placement, body: body)
        let status = uv_thread_create(
            &handle,
            { context in
                Unmanaged<Start>.fromOpaque(context!).takeRetainedValue().run()
            }, Unmanaged.passRetained(start).toOpaque())
        precondition(status == 0, "uv_thread_create failed: \(UVError(status))")
    }

    /// Waits for the thread's body to return.
    mutating func join() {
        uv_thread_join(&handle)
    }
}

/// What a new thread does first, then its body.
private final class Start: Sendable {
    let name: String
    let placement: ThreadPlacement
    let body: @Sendable () -> Void

    init(name: String, placement: ThreadPlacement, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.placement = placement
        self.body = body
    }

    func run() {
        slime_thread_set_name(name)
        placement.apply()
        body()
    }
}
