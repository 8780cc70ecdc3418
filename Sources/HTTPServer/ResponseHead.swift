/// Serializes status lines and header blocks.
enum ResponseHead {
    /// The head of a response. `contentLength == nil` means chunked.
    /// `framed: false` writes neither length nor chunking (HTTP/1.0 streams,
    /// whose end is the connection's end). An HTTP/1.0 client assumes the
    /// connection closes unless told `keep-alive`, so `http10` says so.
    static func bytes(status: Int, headers: HTTPHeaders, contentLength: Int?, keepAlive: Bool,
                      http10: Bool = false, framed: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        for field in headers where !isFramingHeader(field.name) {
            head += field.name
            head += ": "
            head += field.value
            head += "\r\n"
        }
        if let contentLength {
            head += "Content-Length: \(contentLength)\r\n"
        } else if framed {
            head += "Transfer-Encoding: chunked\r\n"
        }
        if !keepAlive {
            head += "Connection: close\r\n"
        } else if http10 {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        return Array(head.utf8)
    }

    /// Headers the server sets itself from how it frames the message.
    private static func isFramingHeader(_ name: String) -> Bool {
        name.equalsIgnoringASCIICase("content-length")
            || name.equalsIgnoringASCIICase("transfer-encoding")
            || name.equalsIgnoringASCIICase("connection")
    }

    static let continueInterim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    static let lastChunk = Array("0\r\n\r\n".utf8)

    static func chunkHeader(_ size: Int) -> [UInt8] {
        Array((String(size, radix: 16) + "\r\n").utf8)
    }
}
