/// The forms a request-target takes (RFC 9112 §3.2), as far as a server
/// that is not a forward proxy needs to tell them apart.
enum RequestTarget: Equatable {
    /// `/path?query`
    case origin
    /// `*`, for a server-wide `OPTIONS`.
    case asterisk
    /// `scheme://host[:port]/path?query`, as sent to a forward proxy.
    /// `originForm` is the path and query (`/` when the path is empty).
    case absolute(scheme: Substring, host: Substring, port: Int?, originForm: Substring)
    /// Anything else (an authority-form target belongs to CONNECT only).
    case invalid

    init(_ target: String) {
        if target.utf8.first == UInt8(ascii: "/") { self = .origin; return }
        if target == "*" { self = .asterisk; return }
        self = Self.absolute(target) ?? .invalid
    }

    private static func absolute(_ target: String) -> RequestTarget? {
        guard let colon = target.utf8.firstIndex(of: UInt8(ascii: ":")),
            target[colon...].utf8.starts(with: "://".utf8)
        else { return nil }
        let scheme = target[..<colon]
        guard let first = scheme.utf8.first, isLetter(first),
            scheme.utf8.allSatisfy({ isLetter($0) || isDigit($0) || "+-.".utf8.contains($0) })
        else { return nil }
        let rest = target[target.utf8.index(colon, offsetBy: 3)...]
        let authorityEnd = rest.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        // User information in an http(s) URI is deprecated (RFC 9110 §4.2.4).
        guard !authority.isEmpty, !authority.utf8.contains(UInt8(ascii: "@")) else { return nil }
        guard let (host, port) = splitHostAndPort(authority) else { return nil }
        let pathAndQuery = rest[authorityEnd...]
        return .absolute(
            scheme: scheme, host: host, port: port,
            originForm: pathAndQuery.utf8.first == UInt8(ascii: "/") ? pathAndQuery : Substring("/" + pathAndQuery))
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; the port, when present,
    /// is 1 to 5 digits up to 65535.
    private static func splitHostAndPort(_ authority: Substring) -> (Substring, Int?)? {
        var host = authority
        var portText: Substring?
        if authority.utf8.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.utf8.first == UInt8(ascii: ":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (host, nil) }
        guard (1...5).contains(portText.utf8.count), portText.utf8.allSatisfy(isDigit),
            let port = Int(portText), port <= 65535
        else { return nil }
        return (host, port)
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
