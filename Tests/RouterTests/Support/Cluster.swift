import Foundation
import Testing
import TestSupport

/// Start-up and inspection helpers for the router's process-level tests:
/// `slime-router` and `mock-sglang` run as real child processes on loopback
/// ports, and the tests talk to them over real sockets.

/// A fixture step that went wrong (not a finding about the router).
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One `mock-sglang` process on a free port.
final class Mock {
    let process: ManagedProcess
    let port: Int
    /// The HTTP side, which other threads may use.
    let client: MockClient
    var url: String { client.url }

    init(_ arguments: [String] = []) throws {
        process = try ManagedProcess(executable: "mock-sglang", arguments: ["--port", "0"] + arguments)
        port = try process.waitForListeningPort()
        client = MockClient(port: port)
    }

    func configure(_ settings: [String: Any]) throws { try client.configure(settings) }
    func generateBodies() throws -> [[String: Any]] { try client.generateBodies() }
    func rids() throws -> [String] { try client.rids() }
    func running() throws -> Int { try client.running() }
}

/// Control and inspection requests to a mock, by port.
struct MockClient: Sendable {
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    /// `POST /mock/config` with the given settings.
    func configure(_ settings: [String: Any]) throws {
        let response = try httpRequest("POST", port: port, path: "/mock/config", json: settings)
        guard response.status == 200 else { throw FixtureError("mock config answered \(response.status): \(response.text)") }
    }

    /// Every `/generate` body the mock received, oldest first.
    func generateBodies() throws -> [[String: Any]] {
        let response = try httpRequest("GET", port: port, path: "/mock/requests")
        guard response.status == 200, let requests = try jsonObject(response)["requests"] as? [[String: Any]] else {
            throw FixtureError("mock /mock/requests answered \(response.status): \(response.text)")
        }
        return requests
    }

    /// The `rid`s of the `/generate` requests the mock received, oldest first.
    func rids() throws -> [String] {
        try generateBodies().compactMap { $0["rid"] as? String }
    }

    /// Generations running right now (`GET /get_load`).
    func running() throws -> Int {
        let response = try httpRequest("GET", port: port, path: "/get_load")
        guard let entries = try response.json() as? [[String: Any]], let count = entries.first?["num_reqs"] as? Int else {
            throw FixtureError("mock /get_load answered \(response.status): \(response.text)")
        }
        return count
    }
}

/// One `slime-router` process on a free port.
final class Router {
    let process: ManagedProcess
    let port: Int

    /// Starts a router in front of `workers` with extra `arguments`.
    init(workers: [String] = [], _ arguments: [String] = []) throws {
        var all = ["--port", "0", "--log-level", "warning"]
        if !workers.isEmpty { all += ["--worker-urls"] + workers }
        process = try ManagedProcess(executable: "slime-router", arguments: all + arguments)
        port = try process.waitForListeningPort()
    }

    convenience init(mocks: [Mock], _ arguments: [String] = []) throws {
        try self.init(workers: mocks.map(\.url), arguments)
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
        let body = try JSONSerialization.data(
            withJSONObject: generateBody(rid: rid, maxNewTokens: maxNewTokens, text: "hold", stream: stream))
        let connection = try RawHTTPConnection(port: port)
        try connection.send("POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        try connection.send(Array(body))
        return connection
    }

    /// `GET /metrics` (JSON), `router` section.
    func metrics() throws -> RouterMetricsSnapshot {
        let response = try request("GET", "/metrics")
        guard response.status == 200 else { throw FixtureError("/metrics answered \(response.status): \(response.text)") }
        return try RouterMetricsSnapshot(jsonObject(response))
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

    init(_ object: [String: Any]) throws {
        guard let router = object["router"] as? [String: Any],
              let active = router["active_workers"] as? Int,
              let loads = router["worker_loads"] as? [String: Int],
              let total = router["total_in_flight"] as? Int else {
            throw FixtureError("unexpected /metrics shape: \(object)")
        }
        activeWorkers = active
        workerLoads = loads
        totalInFlight = total
    }
}

func generateBody(rid: String, maxNewTokens: Int, text: String = "hello", stream: Bool = false) -> [String: Any] {
    var body: [String: Any] = ["text": text, "rid": rid, "sampling_params": ["max_new_tokens": maxNewTokens]]
    if stream { body["stream"] = true }
    return body
}

/// The response body as a JSON object.
func jsonObject(_ response: HTTPTestResponse) throws -> [String: Any] {
    guard let object = try response.json() as? [String: Any] else {
        throw FixtureError("body is not a JSON object: \(response.text.prefix(500))")
    }
    return object
}

/// The message of the router's error shape `{"error": {"message", "type", "code"}}`,
/// or nil when the body does not have that shape.
func errorMessage(_ response: HTTPTestResponse) -> String? {
    guard response.header("Content-Type")?.hasPrefix("application/json") == true,
          let object = try? jsonObject(response),
          let error = object["error"] as? [String: Any] else { return nil }
    return error["message"] as? String
}

/// A loopback port that refuses connections for as long as this object
/// lives: a socket bound to it but not listening, so no one else gets it.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32
    var url: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FixtureError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw FixtureError("bind failed")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

/// Runs `body(0..<count)` on `count` threads of their own at once (not a
/// pool sized by the core count) and returns every result in index order.
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

/// A loopback HTTP "worker" that answers every bodiless request with the
/// same raw bytes and then closes, for answers mock-sglang cannot produce
/// (chosen response headers). Serves on a thread of its own until deinit.
final class CannedWorker {
    let port: Int
    private let descriptor: Int32
    var url: String { "http://127.0.0.1:\(port)" }

    init(response: String) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FixtureError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0 && listen(descriptor, 16) == 0
            }
        }
        guard listening else {
            close(descriptor)
            throw FixtureError("bind/listen failed")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let bytes = Array(response.utf8)
        Thread {
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 { if errno == EINTR { continue } else { return } }
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while !received.ends(with: Array("\r\n\r\n".utf8)) {
                    let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    received += chunk[..<count]
                }
                _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }.start()
    }

    /// Shutting the socket down wakes the accepting thread, which then ends.
    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }
}

extension Array where Element: Equatable {
    func ends(with suffix: [Element]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
