import HTTPServer

/// RFC 9110 §7.6.1: connection-specific fields are not forwarded, nor are
/// fields the `Connection` header names. Framing (`Content-Length`,
/// `Transfer-Encoding`) is redone by each hop, and `Host` names the worker.
enum HopByHopHeaders {
    private static let alwaysDropped: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
        "upgrade", "proxy-authenticate", "proxy-authorization", "content-length", "host", "expect",
    ]

    /// End-to-end fields of `headers`, in order.
    static func endToEnd(_ headers: some Sequence<(name: String, value: String)>) -> [(name: String, value: String)] {
        var named: Set<String> = []
        for field in headers where field.name.equalsIgnoringASCIICase("connection") {
            for token in field.value.split(separator: ",") {
                named.insert(String(token).trimmingASCIISpaces().lowercased())
            }
        }
        return headers.filter { field in
            let name = field.name.lowercased()
            return !alwaysDropped.contains(name) && !named.contains(name)
        }
    }
}
