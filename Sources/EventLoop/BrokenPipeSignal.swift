import Glibc

/// SIGPIPE, which the kernel sends a process that writes to a socket its
/// peer has closed, and whose default action ends the process. libuv writes
/// with `write(2)`, not `send(MSG_NOSIGNAL)`, so one client closing under
/// its answer would kill the whole server: every process that runs an
/// `EventLoop` ignores the signal and gets `EPIPE` from the write instead,
/// which the stream's error path handles.
enum BrokenPipeSignal {
    /// Process-wide, once; `static let` initialization is thread-safe.
    private static let ignored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    static func ignore() { ignored }
}
