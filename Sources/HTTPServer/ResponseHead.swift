/// Serializes status lines and header blocks.
enum ResponseHead {
    /// The head of a response. `contentLength == nil` means chunked.
    /// `framed: false` writes neither length nor chunking (HTTP/1.0 streams,
    /// whose end is the connection's end). An HTTP/1.0 client assumes the
    /// connection closes unless told `keep-alive`, so `http10` says so.
    /// `added` are written after `headers`, those `headers` do not name.
    static func bytes(
        status: Int, headers: HTTPHeaders, added: CarriedFields = CarriedFields(), contentLength: Int?, keepAlive: Bool,
        http10: Bool = false, framed: Bool = true
    ) -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(128 + headers.lineBytes + added.lineBytes)
        head += statusLine(status)
        headers.appendLines(to: &head) { !isFramingHeader($0) }
        added.appendLines(to: &head) { !isFramingHeader($0) && !headers.contains($0) }
        if let contentLength {
            head.appendUTF8(contentLengthName)
            appendDecimal(contentLength, to: &head)
            head.appendUTF8(lineEnd)
        } else if framed {
            head.appendUTF8(chunkedLine)
        }
        head.appendUTF8(!keepAlive ? closeAndEnd : http10 ? keepAliveAndEnd : lineEnd)
        return head
    }

    // The fixed parts of every head.
    private static let contentLengthName: StaticString = "Content-Length: "
    private static let chunkedLine: StaticString = "Transfer-Encoding: chunked\r\n"
    private static let closeAndEnd: StaticString = "Connection: close\r\n\r\n"
    private static let keepAliveAndEnd: StaticString = "Connection: keep-alive\r\n\r\n"
    private static let lineEnd: StaticString = "\r\n"

    /// Status lines of the other common codes, made once.
    private static let commonStatusLines: [Int: [UInt8]] = Dictionary(
        uniqueKeysWithValues: [201, 204, 400, 404, 405, 408, 413, 431, 500, 502, 503, 504].map { ($0, makeStatusLine($0)) })

    /// Nearly every answer's, found without hashing.
    private static let okStatusLine = makeStatusLine(200)

    private static func statusLine(_ status: Int) -> [UInt8] {
        if status == 200 { return okStatusLine }
        return commonStatusLines[status] ?? makeStatusLine(status)
    }

    private static func makeStatusLine(_ status: Int) -> [UInt8] {
        Array("HTTP/1.1 \(status) \(reasonPhrase(status))\r\n".utf8)
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 10 else { return out.append(UInt8(ascii: "0") + UInt8(value)) }
        appendDecimal(value / 10, to: &out)
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Headers the server sets itself from how it frames the message.
    /// Picked by length first: most names cost no comparison.
    private static func isFramingHeader(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 14: name.equalsIgnoringASCIICase(lowercase: "content-length")
        case 17: name.equalsIgnoringASCIICase(lowercase: "transfer-encoding")
        case 10: name.equalsIgnoringASCIICase(lowercase: "connection")
        default: false
        }
    }

    static let continueInterim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    static let lastChunk = Array("0\r\n\r\n".utf8)

    static func chunkHeader(_ size: Int) -> [UInt8] {
        Array((String(size, radix: 16) + "\r\n").utf8)
    }
}
