import Foundation
import Testing
import TestSupport

/// A set-up step that went wrong (not a finding about the router).
struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Generous: in debug builds each process loads the 151K-token vocabulary,
/// and the machine is shared. An upper bound for waiting, never a measurement.
let startupTimeout = 120.0
let requestTimeout = 60.0

/// One `mock-sglang` worker with the Qwen3 tokenizer: prompts tokenized like
/// SGLang, one generated token per character.
final class FakeWorker: @unchecked Sendable {
    let process: ManagedProcess
    private(set) var port = 0
    var url: String { "http://127.0.0.1:\(port)" }

    private init(process: ManagedProcess) { self.process = process }

    /// Spawns `count` workers at once, then waits for all of them.
    static func start(_ count: Int) throws -> [FakeWorker] {
        let directory = try Fixtures.qwen3Directory()
        let workers = try (0..<count).map { _ in
            FakeWorker(process: try ManagedProcess(
                executable: "mock-sglang", arguments: ["--port", "0", "--tokenizer-path", directory]))
        }
        for worker in workers { worker.port = try worker.process.waitForListeningPort(timeout: startupTimeout) }
        return workers
    }

    /// `POST /mock/config`.
    func configure(_ settings: [String: Any]) throws {
        let response = try httpRequest("POST", port: port, path: "/mock/config", json: settings)
        guard response.status == 200 else { throw SetupError("mock config answered \(response.status): \(response.text)") }
    }

    /// `GET /mock/requests` as received: the raw JSON text.
    func requestsText() throws -> String {
        let response = try httpRequest("GET", port: port, path: "/mock/requests")
        guard response.status == 200 else { throw SetupError("/mock/requests answered \(response.status)") }
        return response.text
    }

    /// Every `/generate` body this worker received, oldest first.
    func requests() throws -> [[String: Any]] {
        let response = try httpRequest("GET", port: port, path: "/mock/requests")
        guard response.status == 200, let object = try response.json() as? [String: Any],
              let requests = object["requests"] as? [[String: Any]] else {
            throw SetupError("/mock/requests answered \(response.status): \(response.text.prefix(300))")
        }
        return requests
    }

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
    /// and the Qwen3 tokenizer in front of `workers`, health checks off.
    init(workers: [String], _ arguments: [String] = [], radixTree: Bool = true) throws {
        var all = ["--port", "0", "--log-level", "warning", "--disable-health-check"]
        if !workers.isEmpty { all += ["--worker-urls"] + workers }
        if radixTree { all += ["--middleware", "radix-tree", "--hf-checkpoint", try Fixtures.qwen3Directory()] }
        process = try ManagedProcess(executable: "slime-router", arguments: all + arguments)
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

    /// `POST /retrieve_from_text`, expected to succeed.
    func retrieve(_ text: String) throws -> Retrieved {
        let response = try post("/retrieve_from_text", json: ["text": text])
        guard response.status == 200 else { throw SetupError("/retrieve_from_text answered \(response.status): \(response.text)") }
        return try Retrieved(object(response))
    }

    /// `GET /metrics` as JSON.
    func metrics() throws -> [String: Any] {
        let response = try request("GET", "/metrics")
        guard response.status == 200 else { throw SetupError("/metrics answered \(response.status): \(response.text)") }
        return try object(response)
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

    init(_ object: [String: Any]) throws {
        guard let tokens = ints(object["tokens"]), let response = object["response"] as? String,
              let mask = ints(object["loss_mask"]), let tokenLength = number(object["token_length"]),
              let maskLength = number(object["loss_mask_length"]), let logp = doubles(object["rollout_logp"]),
              let versions = object["weight_versions"] as? [Any], let cached = number(object["cached_tokens"]),
              let hit = object["cache_hit"] as? Bool else {
            throw SetupError("unexpected /retrieve_from_text shape: \(object)")
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
    }
}

// MARK: JSON helpers

func object(_ response: HTTPTestResponse) throws -> [String: Any] {
    guard let object = try response.json() as? [String: Any] else {
        throw SetupError("body is not a JSON object: \(response.text.prefix(500))")
    }
    return object
}

func number(_ value: Any?) -> Double? {
    (value as? NSNumber)?.doubleValue
}

func ints(_ value: Any?) -> [Int]? {
    guard let list = value as? [Any] else { return nil }
    var result: [Int] = []
    for item in list {
        guard let number = item as? NSNumber else { return nil }
        result.append(number.intValue)
    }
    return result
}

func doubles(_ value: Any?) -> [Double]? {
    guard let list = value as? [Any] else { return nil }
    var result: [Double] = []
    for item in list {
        guard let number = item as? NSNumber else { return nil }
        result.append(number.doubleValue)
    }
    return result
}

/// A Swift string as a JSON string literal.
func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
}

/// Whether the error body has the router's shape `{"error": {"message": ...}}`.
func isJSONError(_ response: HTTPTestResponse) -> Bool {
    guard response.header("Content-Type")?.hasPrefix("application/json") == true,
          let object = try? object(response), let error = object["error"] as? [String: Any] else { return false }
    return error["message"] is String
}

/// Runs `body(0..<count)` on threads of their own at once and returns the
/// results in index order.
func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> [Result<T, any Error>] {
    let results = Locked([Result<T, any Error>?](repeating: nil, count: count))
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            let result = Result { try body(index) }
            results.withLock { $0[index] = result }
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
    return results.value.map { $0! }
}
