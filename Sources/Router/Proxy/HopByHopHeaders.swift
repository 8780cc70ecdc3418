import HTTPServer

/// RFC 9110 §7.6.1: connection-specific fields are not forwarded, nor are
/// fields the `Connection` header names. Framing (`Content-Length`,
/// `Transfer-Encoding`) is redone by each hop, and `Host` names the worker.
enum HopByHopHeaders {
    private static let alwaysDropped = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
        "upgrade", "proxy-authenticate", "proxy-authorization", "content-length", "host", "expect",
    ]

    /// End-to-end fields of `headers`, in order. Runs for every proxied
    /// request and answer: compares in place, no lowercased copies.
    static func endToEnd(_ headers: some Sequence<(name: String, value: String)>) -> [(name: String, value: String)] {
        var named: [String] = []
        for field in headers where field.name.equalsIgnoringASCIICase("connection") {
            named += field.value.split(separator: ",").map { String($0).trimmingASCIISpaces() }
        }
        return headers.filter { field in
            !alwaysDropped.contains { field.name.equalsIgnoringASCIICase($0) }
                && !named.contains { field.name.equalsIgnoringASCIICase($0) }
        }
    }
}
