import Foundation

extension RawHTTPConnection {
    /// Sends a request with `json` as its body without reading the answer;
    /// `keepAlive: false` asks the server to close after answering.
    public func sendJSON(_ method: String, _ path: String, _ json: Any, keepAlive: Bool) throws {
        let body = try JSONSerialization.data(withJSONObject: json)
        try sendRequest(
            method, path: path,
            headers: [
                ("Content-Type", "application/json"),
                ("Connection", keepAlive ? "keep-alive" : "close"),
            ],
            body: Array(body))
    }
}
