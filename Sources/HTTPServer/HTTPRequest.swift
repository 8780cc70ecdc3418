/// One parsed HTTP/1.x request with its whole body.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent: path plus `?query` when present.
    public var target: String {
        didSet { queryMark = Self.queryMark(in: target) }
    }
    public var versionMajor: Int
    public var versionMinor: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whether the connection may carry another request after this one.
    public var keepAlive: Bool
    /// What the server's head check (`HTTPServer.headCheck`) made
    /// of the request's head, handed to the handler so that it need not
    /// work it out again (the router: its route). nil when no check ran.
    public var classification: Int?

    public init(
        method: String, target: String, versionMajor: Int = 1, versionMinor: Int = 1,
        headers: HTTPHeaders = [:], body: [UInt8] = [], keepAlive: Bool = true
    ) {
        self.method = method
        self.target = target
        queryMark = Self.queryMark(in: target)
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }

    /// The target without its query string.
    public var path: Substring {
        queryMark.map { target[..<$0] } ?? target[...]
    }

    /// Where `?` is: found once per target (the path is read several times
    /// for every request), among the bytes (a search by characters would run
    /// Unicode's rules for nothing).
    private var queryMark: String.Index?

    private static func queryMark(in target: String) -> String.Index? {
        let offset = target.utf8.withContiguousStorageIfAvailable { $0.firstIndex(of: UInt8(ascii: "?")) }
        guard let offset else { return target.utf8.firstIndex(of: UInt8(ascii: "?")) }
        return offset.map { target.utf8.index(target.utf8.startIndex, offsetBy: $0) }
    }

    /// The raw query string after `?`, or nil.
    public var query: Substring? {
        queryMark.map { target[target.utf8.index(after: $0)...] }
    }

    /// The first value of a query parameter, percent-decoded.
    public func queryParameter(_ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if percentDecode(parts[0]) == name {
                return parts.count > 1 ? percentDecode(parts[1]) : ""
            }
        }
        return nil
    }
}

/// Decodes `%XX` escapes, and `+` as a space in a query component
/// (`plusIsSpace`; in a path segment `+` is itself).
public func percentDecode(_ text: Substring, plusIsSpace: Bool = true) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
        switch byte {
        case UInt8(ascii: "+") where plusIsSpace: bytes.append(0x20)
        case UInt8(ascii: "%"):
            if let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            }
        default: bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
