import Foundation
import TestSupport

extension RawHTTPConnection {
    /// Sends a request with `json` as its body without reading the answer;
    /// `keepAlive: false` asks the server to close after answering.
    func sendJSON(_ method: String, _ path: String, _ json: Any, keepAlive: Bool) throws {
        let body = try JSONSerialization.data(withJSONObject: json)
        try send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n")
        try send(Array(body))
    }
}
