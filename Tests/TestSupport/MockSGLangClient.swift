/// The control and inspection endpoints of a `mock-sglang` process, by port.
public struct MockSGLangClient: Sendable {
    public let port: Int
    public var url: String { loopbackURL(port: port) }

    public init(port: Int) { self.port = port }

    /// `POST /mock/config` with the given settings.
    public func configure(_ settings: [String: Any]) throws {
        let response = try httpRequest("POST", port: port, path: "/mock/config", json: settings)
        guard response.status == 200 else { throw FixtureError("mock config answered \(response.status): \(response.text)") }
    }

    /// `GET /mock/requests` as received: the raw JSON text.
    public func requestsText() throws -> String {
        let response = try httpRequest("GET", port: port, path: "/mock/requests")
        guard response.status == 200 else { throw FixtureError("/mock/requests answered \(response.status)") }
        return response.text
    }

    /// Every `/generate` body the mock received, oldest first.
    public func requests() throws -> [[String: Any]] {
        let response = try httpRequest("GET", port: port, path: "/mock/requests")
        guard response.status == 200, let requests = try jsonObject(response)["requests"] as? [[String: Any]] else {
            throw FixtureError("/mock/requests answered \(response.status): \(response.text.prefix(300))")
        }
        return requests
    }

    /// What the mock answered for each generation, oldest first: `rid`,
    /// `prompt_ids`, `output_ids`, `logprobs`, `weight_version`, `aborted`.
    public func generations() throws -> [[String: Any]] {
        let response = try httpRequest("GET", port: port, path: "/mock/generations")
        guard response.status == 200, let generations = try jsonObject(response)["generations"] as? [[String: Any]] else {
            throw FixtureError("/mock/generations answered \(response.status): \(response.text.prefix(300))")
        }
        return generations
    }

    /// Every `/abort_request` body the mock received, oldest first.
    public func aborts() throws -> [[String: Any]] {
        let response = try httpRequest("GET", port: port, path: "/mock/aborts")
        guard response.status == 200, let aborts = try jsonObject(response)["aborts"] as? [[String: Any]] else {
            throw FixtureError("/mock/aborts answered \(response.status): \(response.text.prefix(300))")
        }
        return aborts
    }

    /// `GET /mock/stats`: `connections_accepted`, `health_probes` (received)
    /// and `health_probes_waiting` (held, unanswered).
    public func stats() throws -> [String: Int] {
        let response = try httpRequest("GET", port: port, path: "/mock/stats")
        guard response.status == 200, let stats = try response.json() as? [String: Int] else {
            throw FixtureError("/mock/stats answered \(response.status): \(response.text)")
        }
        return stats
    }

    /// Generations running right now (`GET /get_load`).
    public func running() throws -> Int {
        let response = try httpRequest("GET", port: port, path: "/get_load")
        guard let entries = try response.json() as? [[String: Any]], let count = entries.first?["num_reqs"] as? Int else {
            throw FixtureError("mock /get_load answered \(response.status): \(response.text)")
        }
        return count
    }
}
