import Foundation

/// One `slime-router` process on a free loopback port, and the requests the
/// tests send it.
///
/// `@unchecked Sendable`: its members are set once; the process is only
/// talked to over sockets.
public final class RouterProcess: @unchecked Sendable {
    public let process: ManagedProcess
    public let port: Int

    /// A router in front of `workers` with extra `arguments`, its worker
    /// calls on `client`.
    public init(client: WorkerClientKind = .native, workers: [String] = [], _ arguments: [String] = []) throws {
        process = try .slimeRouter(workers: workers, client: client, arguments)
        port = try process.waitForListeningPort(timeout: startupTimeout)
    }

    public convenience init(client: WorkerClientKind = .native, mocks: [MockWorkerProcess], _ arguments: [String] = []) throws {
        try self.init(client: client, workers: mocks.map(\.url), arguments)
    }

    /// A router with the radix-tree middleware and the Qwen3 tokenizer in
    /// front of `workers`, health checks off.
    public static func withRadixTree(
        workers: [String], client: WorkerClientKind = .native,
        _ arguments: [String] = []
    ) throws -> RouterProcess {
        let radixTree = [
            "--disable-health-check", "--middleware", "radix-tree",
            "--hf-checkpoint", try TokenizerFixtures.qwen3Directory(),
        ]
        return try RouterProcess(client: client, workers: workers, radixTree + arguments)
    }

    public func request(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: Double = requestTimeout
    ) throws -> HTTPTestResponse {
        try httpRequest(method, port: port, path: path, headers: headers, body: body, timeout: timeout)
    }

    public func request(_ method: String, _ path: String, json: Any, timeout: Double = requestTimeout) throws -> HTTPTestResponse {
        try httpRequest(method, port: port, path: path, json: json, timeout: timeout)
    }

    /// `POST path` with `body` sent byte for byte as JSON.
    public func post(_ path: String, raw body: String) throws -> HTTPTestResponse {
        try request("POST", path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    public func post(_ path: String, json: Any) throws -> HTTPTestResponse {
        try request("POST", path, json: json)
    }

    /// `POST /generate` through the router with a request id the mocks record.
    public func generate(
        rid: String, maxNewTokens: Int = 4, text: String = "hello",
        timeout: Double = requestTimeout
    ) throws -> HTTPTestResponse {
        try request("POST", "/generate", json: generateBody(rid: rid, maxNewTokens: maxNewTokens, text: text), timeout: timeout)
    }

    /// Sends `POST /generate` on a connection of its own and returns the
    /// connection without reading the answer, for requests held in flight.
    public func startGenerate(rid: String, maxNewTokens: Int, stream: Bool = false) throws -> RawHTTPConnection {
        let connection = try RawHTTPConnection(port: port)
        try connection.sendJSON(
            "POST", "/generate", generateBody(rid: rid, maxNewTokens: maxNewTokens, text: "hold", stream: stream),
            keepAlive: false)
        return connection
    }

    /// `POST /retrieve_from_text`, expected to succeed; with `rid`, for that generation.
    public func retrieve(_ text: String, rid: String? = nil) throws -> RetrievedTrajectory {
        var body: [String: Any] = ["text": text]
        if let rid { body["rid"] = rid }
        let response = try post("/retrieve_from_text", json: body)
        guard response.status == 200 else { throw FixtureError("/retrieve_from_text answered \(response.status): \(response.text)") }
        return try RetrievedTrajectory(jsonObject(response))
    }

    /// `GET /metrics` (JSON), `router` section.
    public func metrics() throws -> RouterMetricsSnapshot {
        try RouterMetricsSnapshot(metricsJSON())
    }

    /// `GET /metrics` as JSON.
    public func metricsJSON() throws -> [String: Any] {
        try metricsObject(port: port, timeout: requestTimeout)
    }

    /// A number of the `cache` section of `/metrics`.
    public func cacheMetric(_ key: String) throws -> Double? {
        number((try metricsJSON()["cache"] as? [String: Any])?[key])
    }

    /// A number of the `router` section of `/metrics`.
    public func routerMetric(_ key: String) throws -> Double? {
        number((try metricsJSON()["router"] as? [String: Any])?[key])
    }

    /// `GET /list_workers` → the registered URLs.
    public func workerURLs() throws -> [String] {
        let response = try request("GET", "/list_workers")
        guard response.status == 200, let urls = try jsonObject(response)["urls"] as? [String] else {
            throw FixtureError("/list_workers answered \(response.status): \(response.text)")
        }
        return urls
    }
}

/// A `/generate` body with a request id the mocks record.
public func generateBody(rid: String, maxNewTokens: Int, text: String = "hello", stream: Bool = false) -> [String: Any] {
    var body: [String: Any] = ["text": text, "rid": rid, "sampling_params": ["max_new_tokens": maxNewTokens]]
    if stream { body["stream"] = true }
    return body
}
