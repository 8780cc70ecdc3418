import Foundation
import Testing
import TestSupport

/// Generous: in debug builds each process loads the 151K-token vocabulary,
/// and the machine is shared. An upper bound for waiting, never a measurement.
let startupTimeout = 120.0
let requestTimeout = 60.0

/// One `mock-sglang` worker with the Qwen3 tokenizer: prompts tokenized like
/// SGLang, one generated token per character.
final class FakeWorker: @unchecked Sendable {
    let process: ManagedProcess
    /// Set once the process has announced its port.
    private(set) var client = MockSGLangClient(port: 0)
    var port: Int { client.port }
    var url: String { client.url }

    private init(process: ManagedProcess) { self.process = process }

    /// Spawns `count` workers at once, then waits for all of them.
    static func start(_ count: Int) throws -> [FakeWorker] {
        let directory = try Fixtures.qwen3Directory()
        let workers = try (0..<count).map { _ in
            FakeWorker(process: try .mockSGLang(["--tokenizer-path", directory]))
        }
        for worker in workers {
            worker.client = MockSGLangClient(port: try worker.process.waitForListeningPort(timeout: startupTimeout))
        }
        return workers
    }

    /// `POST /mock/config`.
    func configure(_ settings: [String: Any]) throws { try client.configure(settings) }

    /// `GET /mock/requests` as received: the raw JSON text.
    func requestsText() throws -> String { try client.requestsText() }

    /// Every `/generate` body this worker received, oldest first.
    func requests() throws -> [[String: Any]] { try client.requests() }

    /// What this worker answered for each generation (`MockSGLangClient.generations`).
    func generations() throws -> [[String: Any]] { try client.generations() }

    /// The bodies carrying request id `rid`.
    func requests(rid: String) throws -> [[String: Any]] {
        try requests().filter { $0["rid"] as? String == rid }
    }
}

/// One `slime-router` process.
final class RouterUnderTest: @unchecked Sendable {
    let process: ManagedProcess
    let port: Int

    /// A router with the radix-tree middleware (unless `radixTree` is false)
    /// and the Qwen3 tokenizer in front of `workers`, health checks off,
    /// its worker calls on `client`.
    init(workers: [String], client: WorkerClientKind = .native, _ arguments: [String] = [], radixTree: Bool = true) throws {
        var all = ["--disable-health-check"]
        if radixTree { all += ["--middleware", "radix-tree", "--hf-checkpoint", try Fixtures.qwen3Directory()] }
        process = try .slimeRouter(workers: workers, client: client, all + arguments)
        port = try process.waitForListeningPort(timeout: startupTimeout)
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> HTTPTestResponse {
        try httpRequest(method, port: port, path: path, headers: headers, body: body, timeout: requestTimeout)
    }

    /// `POST path` with `body` sent byte for byte as JSON.
    func post(_ path: String, raw body: String) throws -> HTTPTestResponse {
        try request("POST", path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    func post(_ path: String, json: Any) throws -> HTTPTestResponse {
        try httpRequest("POST", port: port, path: path, json: json, timeout: requestTimeout)
    }

    /// `POST /retrieve_from_text`, expected to succeed; with `rid`, for that generation.
    func retrieve(_ text: String, rid: String? = nil) throws -> Retrieved {
        var body: [String: Any] = ["text": text]
        if let rid { body["rid"] = rid }
        let response = try post("/retrieve_from_text", json: body)
        guard response.status == 200 else { throw FixtureError("/retrieve_from_text answered \(response.status): \(response.text)") }
        return try Retrieved(object(response))
    }

    /// `GET /metrics` as JSON.
    func metrics() throws -> [String: Any] {
        try metricsObject(port: port, timeout: requestTimeout)
    }

    /// A number of the `cache` section of `/metrics`.
    func cacheMetric(_ key: String) throws -> Double? {
        number((try metrics()["cache"] as? [String: Any])?[key])
    }

    func routerMetric(_ key: String) throws -> Double? {
        number((try metrics()["router"] as? [String: Any])?[key])
    }
}

/// What `/retrieve_from_text` answered.
struct Retrieved {
    var tokens: [Int]
    var response: String
    var lossMask: [Int]
    var tokenLength: Int
    var lossMaskLength: Int
    var rolloutLogp: [Double]
    var weightVersions: [String?]
    var cachedTokens: Int
    var cacheHit: Bool
    /// Nothing was tokenized afresh; `retokenizedTokens` counts what was.
    var exact: Bool
    var retokenizedTokens: Int
    /// The generation whose tokens end the trajectory.
    var rid: String?

    init(_ object: [String: Any]) throws {
        guard let tokens = ints(object["tokens"]), let response = object["response"] as? String,
              let mask = ints(object["loss_mask"]), let tokenLength = number(object["token_length"]),
              let maskLength = number(object["loss_mask_length"]), let logp = doubles(object["rollout_logp"]),
              let versions = object["weight_versions"] as? [Any], let cached = number(object["cached_tokens"]),
              let hit = object["cache_hit"] as? Bool, let exact = object["exact"] as? Bool,
              let retokenized = number(object["retokenized_tokens"]) else {
            throw FixtureError("unexpected /retrieve_from_text shape: \(object)")
        }
        self.tokens = tokens
        self.response = response
        lossMask = mask
        self.tokenLength = Int(tokenLength)
        lossMaskLength = Int(maskLength)
        rolloutLogp = logp
        weightVersions = versions.map { $0 as? String }
        cachedTokens = Int(cached)
        cacheHit = hit
        self.exact = exact
        retokenizedTokens = Int(retokenized)
        rid = object["rid"] as? String
    }
}
