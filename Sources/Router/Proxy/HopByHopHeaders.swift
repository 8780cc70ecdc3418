import HTTPServer

/// RFC 9110 §7.6.1: connection-specific fields are not forwarded, nor are
/// fields the `Connection` header names. Framing (`Content-Length`,
/// `Transfer-Encoding`) is redone by each hop, and `Host` names the worker.
enum HopByHopHeaders {
    /// End-to-end fields of `headers`, in order, sharing their bytes. Runs
    /// for every proxied request and answer, so it compares bytes in place:
    /// no lowercased copies, no `Connection` list split into strings.
    static func endToEnd(_ headers: HTTPHeaders) -> HTTPHeaders {
        // Usually one `Connection` field listing `keep-alive`, a name dropped
        // anyway, or none: then no field needs looking for in the list.
        let namesMore = headers.containsListElement(of: "connection") { !isAlwaysDropped($0) }
        return headers.filter { name in
            !isAlwaysDropped(name) && !(namesMore && headers.listContains("connection", token: name))
        }
    }

    /// Whether a field is hop-by-hop whatever `Connection` says: picked by
    /// its length first, so most names cost one comparison or none.
    private static func isAlwaysDropped(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 2: name.equalsIgnoringASCIICase(lowercase: "te")
        case 4: name.equalsIgnoringASCIICase(lowercase: "host")
        case 6: name.equalsIgnoringASCIICase(lowercase: "expect")
        case 7: name.equalsIgnoringASCIICase(lowercase: "trailer") || name.equalsIgnoringASCIICase(lowercase: "upgrade")
        case 10: name.equalsIgnoringASCIICase(lowercase: "connection") || name.equalsIgnoringASCIICase(lowercase: "keep-alive")
        case 14: name.equalsIgnoringASCIICase(lowercase: "content-length")
        case 16: name.equalsIgnoringASCIICase(lowercase: "proxy-connection")
        case 17: name.equalsIgnoringASCIICase(lowercase: "transfer-encoding")
        case 18: name.equalsIgnoringASCIICase(lowercase: "proxy-authenticate")
        case 19: name.equalsIgnoringASCIICase(lowercase: "proxy-authorization")
        default: false
        }
    }
}
