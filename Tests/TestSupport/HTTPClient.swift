import Foundation

/// One request on a fresh connection, sent with `Connection: close` unless
/// `headers` name a `Connection` of their own. `Content-Length` is added for
/// a body (and for POST/PUT/PATCH without one).
public func httpRequest(
    _ method: String, port: Int, path: String, headers: [(String, String)] = [],
    body: [UInt8] = [], timeout: Double = 30
) throws -> HTTPTestResponse {
    let connection = try RawHTTPConnection(port: port)
    defer { connection.close() }
    try connection.sendRequest(method, path: path, headers: headers, body: body)
    return try connection.readResponse(timeout: timeout, forHEAD: method == "HEAD")
}

extension RawHTTPConnection {
    /// Sends one request without reading the answer. `Connection: close`
    /// and the body's `Content-Length` are added unless `headers` say otherwise.
    public func sendRequest(_ method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let names = Set(headers.map { $0.0.lowercased() })
        if !names.contains("connection") { head += "Connection: close\r\n" }
        if !names.contains("content-length"), !names.contains("transfer-encoding"),
            !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method)
        {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try send(Array(head.utf8) + body)
    }
}

/// `httpRequest` with `json` serialized by `JSONSerialization` as the body.
public func httpRequest(
    _ method: String, port: Int, path: String, json: Any,
    timeout: Double = 30
) throws -> HTTPTestResponse {
    let body = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
    return try httpRequest(
        method, port: port, path: path, headers: [("Content-Type", "application/json")],
        body: Array(body), timeout: timeout)
}
