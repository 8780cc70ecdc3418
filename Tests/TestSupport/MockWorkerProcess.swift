/// Generous: in debug builds a process with a tokenizer loads the
/// 151K-token vocabulary, and the machine is shared. An upper bound for
/// waiting, never a measurement.
public let startupTimeout = 120.0
public let requestTimeout = 60.0

/// One `mock-sglang` process on a free loopback port, and its control and
/// inspection endpoints (`client`).
///
/// `@unchecked Sendable`: its members are set once; the process is only
/// talked to over sockets.
public final class MockWorkerProcess: @unchecked Sendable {
    public let process: ManagedProcess
    /// The HTTP side, which other threads may use.
    public let client: MockSGLangClient
    public var port: Int { client.port }
    public var url: String { client.url }

    /// A worker with extra `arguments` (without `--tokenizer-path` it
    /// encodes one token per byte).
    public convenience init(_ arguments: [String] = []) throws {
        try self.init(started: try .mockSGLang(arguments))
    }

    private init(started process: ManagedProcess) throws {
        self.process = process
        client = MockSGLangClient(port: try process.waitForListeningPort(timeout: startupTimeout))
    }

    /// `count` workers with the Qwen3 tokenizer (prompts tokenized like
    /// SGLang, one generated token per character), spawned at once, then
    /// waited for.
    public static func withQwen3Tokenizer(_ count: Int) throws -> [MockWorkerProcess] {
        let directory = try TokenizerFixtures.qwen3Directory()
        let processes = try (0..<count).map { _ in try ManagedProcess.mockSGLang(["--tokenizer-path", directory]) }
        return try processes.map { try MockWorkerProcess(started: $0) }
    }

    /// `POST /mock/config`.
    public func configure(_ settings: [String: Any]) throws { try client.configure(settings) }

    /// `GET /mock/requests` as received: the raw JSON text.
    public func requestsText() throws -> String { try client.requestsText() }

    /// Every `/generate` body this worker received, oldest first.
    public func requests() throws -> [[String: Any]] { try client.requests() }

    /// The bodies carrying request id `rid`.
    public func requests(rid: String) throws -> [[String: Any]] {
        try requests().filter { $0["rid"] as? String == rid }
    }

    /// The `rid`s of the `/generate` requests received, oldest first.
    public func aborts() throws -> [[String: Any]] { try client.aborts() }

    public func rids() throws -> [String] { try requests().compactMap { $0["rid"] as? String } }

    /// What this worker answered for each generation (`MockSGLangClient.generations`).
    public func generations() throws -> [[String: Any]] { try client.generations() }

    /// Generations running right now.
    public func running() throws -> Int { try client.running() }
}
