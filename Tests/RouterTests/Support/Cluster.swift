import Foundation
import Testing
import TestSupport

/// Start-up and inspection helpers for the router's process-level tests:
/// `slime-router` and `mock-sglang` run as real child processes on loopback
/// ports, and the tests talk to them over real sockets.

/// One `mock-sglang` process on a free port.
final class Mock {
    let process: ManagedProcess
    let port: Int
    /// The HTTP side, which other threads may use.
    let client: MockSGLangClient
    var url: String { client.url }

    init(_ arguments: [String] = []) throws {
        process = try .mockSGLang(arguments)
        port = try process.waitForListeningPort()
        client = MockSGLangClient(port: port)
    }

    func configure(_ settings: [String: Any]) throws { try client.configure(settings) }
    /// Every `/generate` body the mock received, oldest first.
    func generateBodies() throws -> [[String: Any]] { try client.requests() }
    /// The `rid`s of the `/generate` requests the mock received, oldest first.
    func rids() throws -> [String] { try generateBodies().compactMap { $0["rid"] as? String } }
    func running() throws -> Int { try client.running() }
}

/// One `slime-router` process on a free port.
final class Router {
    let process: ManagedProcess
    let port: Int

    /// Starts a router in front of `workers` with extra `arguments`, its
    /// worker calls on `client`.
    init(client: WorkerClientKind = .native, workers: [String] = [], _ arguments: [String] = []) throws {
        process = try .slimeRouter(workers: workers, client: client, arguments)
        port = try process.waitForListeningPort()
    }

    convenience init(client: WorkerClientKind = .native, mocks: [Mock], _ arguments: [String] = []) throws {
        try self.init(client: client, workers: mocks.map(\.url), arguments)
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
                 timeout: Double = 60) throws -> HTTPTestResponse {
        try httpRequest(method, port: port, path: path, headers: headers, body: body, timeout: timeout)
    }

    func request(_ method: String, _ path: String, json: Any, timeout: Double = 60) throws -> HTTPTestResponse {
        try httpRequest(method, port: port, path: path, json: json, timeout: timeout)
    }

    /// `POST /generate` through the router with a request id the mocks record.
    func generate(rid: String, maxNewTokens: Int = 4, text: String = "hello", timeout: Double = 60) throws -> HTTPTestResponse {
        try request("POST", "/generate", json: generateBody(rid: rid, maxNewTokens: maxNewTokens, text: text), timeout: timeout)
    }

    /// Sends `POST /generate` on a connection of its own and returns the
    /// connection without reading the answer, for requests held in flight.
    func startGenerate(rid: String, maxNewTokens: Int, stream: Bool = false) throws -> RawHTTPConnection {
        let connection = try RawHTTPConnection(port: port)
        try connection.sendJSON("POST", "/generate", generateBody(rid: rid, maxNewTokens: maxNewTokens, text: "hold", stream: stream),
                                keepAlive: false)
        return connection
    }

    /// `GET /metrics` (JSON), `router` section.
    func metrics() throws -> RouterMetricsSnapshot {
        try RouterMetricsSnapshot(metricsObject(port: port, timeout: 60))
    }

    /// `GET /list_workers` → the registered URLs.
    func workerURLs() throws -> [String] {
        let response = try request("GET", "/list_workers")
        guard response.status == 200, let urls = try jsonObject(response)["urls"] as? [String] else {
            throw FixtureError("/list_workers answered \(response.status): \(response.text)")
        }
        return urls
    }
}

/// The `router` section of `GET /metrics`.
struct RouterMetricsSnapshot {
    var activeWorkers: Int
    var workerLoads: [String: Int]
    var totalInFlight: Int
    /// Requests sent again to a worker, every reason together.
    var retries: Int

    init(_ object: [String: Any]) throws {
        guard let router = object["router"] as? [String: Any],
              let active = router["active_workers"] as? Int,
              let loads = router["worker_loads"] as? [String: Int],
              let total = router["total_in_flight"] as? Int,
              let retries = router["retries"] as? Int else {
            throw FixtureError("unexpected /metrics shape: \(object)")
        }
        activeWorkers = active
        workerLoads = loads
        totalInFlight = total
        self.retries = retries
    }
}

func generateBody(rid: String, maxNewTokens: Int, text: String = "hello", stream: Bool = false) -> [String: Any] {
    var body: [String: Any] = ["text": text, "rid": rid, "sampling_params": ["max_new_tokens": maxNewTokens]]
    if stream { body["stream"] = true }
    return body
}
