import Foundation

/// A child process for integration tests, with stdout and stderr captured.
/// It is terminated (SIGTERM, then SIGKILL after 5 s) when the object goes
/// away, so a failing test cannot leak processes, and killed when the test
/// runner dies.
public final class ManagedProcess {
    public let processIdentifier: Int32
    private let output: OutputCapture
    private let errors: OutputCapture
    /// Set once the child has been reaped: its exit code, or 128 + signal.
    private var exitStatus: Int32?

    /// `executable` is a product name (looked up in `TestProducts.directory`)
    /// or a path. `environment` is added to (and overrides) this process's.
    public init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        let path = TestProducts.path(of: executable)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError.processExited("no executable at \(path) (set SLIME_PRODUCTS_DIR?)")
        }
        // Pipes are made close-on-exec in two steps (Glibc's `pipe2` is not
        // visible to Swift); the lock keeps a concurrent spawn from
        // inheriting them in between.
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        let stdout = try Self.makePipe(), stderr = try Self.makePipe()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)

        // The test runner may block or ignore signals; a child inherits both,
        // so restore defaults or SIGTERM tests would test nothing.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = Self.diesWithParent(Self.lineBuffered([path] + arguments))
        let environmentStrings = merged.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        var status: Int32 = 0
        SpawningThread.shared.run {
            status = Self.withCStrings(argv) { argvPointers in
                Self.withCStrings(environmentStrings) { envPointers in
                    posix_spawn(&pid, argv[0], &actions, &attributes, argvPointers, envPointers)
                }
            }
        }
        Glibc.close(stdout.write)
        Glibc.close(stderr.write)
        guard status == 0 else {
            Glibc.close(stdout.read)
            Glibc.close(stderr.read)
            throw TestSupportError.system("posix_spawn \(path)", errno: status)
        }
        processIdentifier = pid
        output = OutputCapture(reading: stdout.read)
        errors = OutputCapture(reading: stderr.read)
    }

    deinit { terminate() }

    public var standardOutput: String { output.text }
    public var standardError: String { errors.text }

    /// The first stdout line (so far or within `timeout`) containing `text`.
    public func waitForLine(containing text: String, timeout: Double = 20) throws -> String {
        switch output.waitForLine(containing: text, until: Date(timeIntervalSinceNow: timeout)) {
        case .found(let line):
            return line
        case .endOfStream:
            let status = waitForExit(timeout: 1).map { "status \($0)" } ?? "still running"
            throw TestSupportError.processExited(
                "stdout closed without a line containing \(text.debugDescription) (\(status)); stderr:\n\(standardError)")
        case .timedOut:
            throw TestSupportError.timedOut(
                "no stdout line containing \(text.debugDescription); stdout:\n\(standardOutput)\nstderr:\n\(standardError)")
        }
    }

    /// The port of the first stdout line of the form `… listening on HOST:PORT`.
    public func waitForListeningPort(timeout: Double = 20) throws -> Int {
        let line = try waitForLine(containing: "listening on", timeout: timeout)
        let address = line.components(separatedBy: "listening on").last ?? ""
        let digits = (address.split(separator: ":").last ?? "").prefix { $0.isNumber }
        guard let port = Int(digits) else {
            throw TestSupportError.malformedResponse("no port in \(line.debugDescription)")
        }
        return port
    }

    public func send(signal: Int32) {
        guard reap() == nil else { return }
        kill(processIdentifier, signal)
    }

    /// The exit code (128 + signal number when killed by a signal), or nil
    /// when the process is still running after `timeout` seconds.
    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if let status = reap() { return status }
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// SIGTERM, then SIGKILL if the process is still there after 5 s.
    public func terminate() {
        guard reap() == nil else { return }
        kill(processIdentifier, SIGTERM)
        if waitForExit(timeout: 5) == nil {
            kill(processIdentifier, SIGKILL)
            _ = waitForExit(timeout: 5)
        }
    }

    // MARK: -

    /// Collects the exit status without blocking, once.
    private func reap() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        guard waitpid(processIdentifier, &status, WNOHANG) == processIdentifier else { return nil }
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return exitStatus
    }

    /// Swift's `print` is block-buffered into a pipe, so a child's log lines
    /// would arrive late or never; `stdbuf` makes its stdio line-buffered
    /// (and execs, so the process identifier stays the child's).
    private static func lineBuffered(_ argv: [String]) -> [String] {
        let stdbuf = "/usr/bin/stdbuf"
        guard FileManager.default.isExecutableFile(atPath: stdbuf) else { return argv }
        return [stdbuf, "-oL", "-eL"] + argv
    }

    /// `argv` run so that the kernel kills it when the test runner dies
    /// (SIGKILLed by a CI timeout, say), rather than leaving it holding its
    /// ports. `setpriv` (util-linux, on every Debian) sets that and execs, so the
    /// process identifier stays the child's. Public for the test that checks it.
    public static func diesWithParent(_ argv: [String]) -> [String] {
        ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"] + argv
    }

    private static let spawnLock = NSLock()

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw TestSupportError.system("pipe", errno: errno) }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    /// A NULL-terminated C string array, valid during `body`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
