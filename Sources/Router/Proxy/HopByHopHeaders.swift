import HTTPServer

/// RFC 9110 §7.6.1: connection-specific fields are not forwarded, nor are
/// fields the `Connection` header names. Framing (`Content-Length`,
/// `Transfer-Encoding`) is redone by each hop, and `Host` names the worker.
enum HopByHopHeaders {
    /// End-to-end fields of `headers`, in order, sharing their bytes (and
    /// their list of fields too when the caller hands over the only copy,
    /// as a worker's answer is). Runs for every proxied request and answer,
    /// so it compares bytes in place: no lowercased copies, no `Connection`
    /// list split into strings.
    static func endToEnd(_ headers: consuming HTTPHeaders) -> HTTPHeaders {
        // Usually one `Connection` field listing `keep-alive`, a name dropped
        // anyway, or none: then no field needs looking for in the list.
        if headers.containsListElement(of: "connection", where: { !isAlwaysDropped($0) }) {
            let lists = headers
            headers.removeAll(whereName: { name in isAlwaysDropped(name) || lists.listContains("connection", token: name) })
        } else {
            headers.removeAll(whereName: isAlwaysDropped)
        }
        return headers
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
