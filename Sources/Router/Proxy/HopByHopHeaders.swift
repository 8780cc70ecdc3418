import HTTPServer

/// RFC 9110 §7.6.1: connection-specific fields are not forwarded, nor are
/// fields the `Connection` header names. Framing (`Content-Length`,
/// `Transfer-Encoding`) is redone by each hop, and `Host` names the worker.
enum HopByHopHeaders {
    /// End-to-end fields of `headers`, in order. Runs for every proxied
    /// request and answer, so it compares bytes in place: no lowercased
    /// copies, no `Connection` list split into strings.
    static func endToEnd(_ headers: some Sequence<(name: String, value: String)>) -> [(name: String, value: String)] {
        // Usually one `Connection` field (`keep-alive`), or none.
        var connection: String?
        for field in headers where field.name.equalsIgnoringASCIICase("connection") {
            connection = connection.map { $0 + "," + field.value } ?? field.value
        }
        var kept: [(name: String, value: String)] = []
        kept.reserveCapacity(headers.underestimatedCount)
        for field in headers where !isAlwaysDropped(field.name) && connection?.listContains(field.name) != true {
            kept.append(field)
        }
        return kept
    }

    /// Whether a field is hop-by-hop whatever `Connection` says: picked by
    /// its length first, so most names cost one comparison or none.
    private static func isAlwaysDropped(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: name.equalsIgnoringASCIICase("te")
        case 4: name.equalsIgnoringASCIICase("host")
        case 6: name.equalsIgnoringASCIICase("expect")
        case 7: name.equalsIgnoringASCIICase("trailer") || name.equalsIgnoringASCIICase("upgrade")
        case 10: name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("keep-alive")
        case 14: name.equalsIgnoringASCIICase("content-length")
        case 16: name.equalsIgnoringASCIICase("proxy-connection")
        case 17: name.equalsIgnoringASCIICase("transfer-encoding")
        case 18: name.equalsIgnoringASCIICase("proxy-authenticate")
        case 19: name.equalsIgnoringASCIICase("proxy-authorization")
        default: false
        }
    }
}
