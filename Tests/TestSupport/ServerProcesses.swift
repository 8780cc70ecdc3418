/// Starting the package's two servers as child processes, each on a free
/// loopback port (`--port 0`); read the port with `waitForListeningPort`.
extension ManagedProcess {
    /// `mock-sglang` with extra `arguments`.
    public static func mockSGLang(_ arguments: [String] = []) throws -> ManagedProcess {
        try ManagedProcess(executable: "mock-sglang", arguments: ["--port", "0"] + arguments)
    }

    /// `slime-router` logging warnings and worse, in front of `workers`
    /// (none: `--worker-urls` is left out), its worker calls on `client`,
    /// with extra `arguments`.
    public static func slimeRouter(
        workers: [String] = [], client: WorkerClientKind = .native,
        _ arguments: [String] = []
    ) throws -> ManagedProcess {
        var all = ["--port", "0", "--log-level", "warning", "--worker-client", client.rawValue]
        if !workers.isEmpty { all += ["--worker-urls"] + workers }
        return try ManagedProcess(executable: "slime-router", arguments: all + arguments)
    }
}

/// Which client carries the router's calls to `http://` workers
/// (`--worker-client`): the worker-call tests run on each.
public enum WorkerClientKind: String, CaseIterable, Sendable {
    case native, curl
}
