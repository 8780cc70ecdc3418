import EventLoop

/// Spells a request head into a reused buffer: request line (the target
/// is the worker URL's path, then the request's target; `/` when both are
/// empty), the worker's Host field (spelled once per worker), the caller's
/// fields, and the body's length. Nothing else is added: the client's
/// request goes on as it was.
enum RequestHead {
    private static let lineEnd: StaticString = "\r\n"
    private static let contentLength: StaticString = "Content-Length: "

    /// `tail` is `" HTTP/1.1\r\nHost: …\r\n"`, spelled once per worker.
    static func spell(_ request: UpstreamRequest, tail: [UInt8], into head: inout [UInt8]) {
        head.removeAll(keepingCapacity: true)
        head.appendUTF8(request.method)
        head.append(UInt8(ascii: " "))
        let path = request.worker.path
        if path.isEmpty, request.target.isEmpty {
            head.append(UInt8(ascii: "/"))
        } else {
            head.appendUTF8(path)
            head.appendUTF8(request.target)
        }
        head.append(contentsOf: tail)
        request.headers.appendLines(to: &head)
        if !request.body.isEmpty || sendsBody(request.method) {
            head.appendUTF8(contentLength)
            appendDecimal(request.body.count, to: &head)
            head.appendUTF8(lineEnd)
        }
        head.appendUTF8(lineEnd)
    }

    /// Methods whose requests carry a length even when empty (RFC 9110 §8.6).
    /// The part of every head after the target, for a worker at `host`.
    static func tail(host: Substring) -> [UInt8] {
        Array(" HTTP/1.1\r\nHost: \(host)\r\n".utf8)
    }

    private static func sendsBody(_ method: String) -> Bool {
        method == "POST" || method == "PUT" || method == "PATCH"
    }

    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
