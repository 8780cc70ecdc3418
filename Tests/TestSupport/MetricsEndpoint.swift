/// `GET /metrics` (the router's JSON form) from the server on `port`.
public func metricsObject(port: Int, timeout: Double = 30) throws -> [String: Any] {
    let response = try httpRequest("GET", port: port, path: "/metrics", timeout: timeout)
    guard response.status == 200 else { throw FixtureError("/metrics answered \(response.status): \(response.text)") }
    return try jsonObject(response)
}
