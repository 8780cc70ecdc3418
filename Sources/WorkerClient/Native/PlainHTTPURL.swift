/// The parts of an `http://` URL a request needs. These run for every
/// request, so they read the URL's bytes in place.
enum PlainHTTPURL {
    private static let scheme: [UInt8] = Array("http://".utf8)

    /// Whether `url` starts with `http://`.
    static func isPlain(_ url: String) -> Bool {
        var url = url
        return url.withUTF8 { $0.count >= scheme.count && $0[..<scheme.count].elementsEqual(scheme) }
    }

    /// `host[:port]` and the rest (path and query, empty when there is
    /// none), as slices of `url`, which starts with `http://`.
    static func split(_ url: String) -> (authority: Substring, target: Substring) {
        var url = url
        let (start, slash) = url.withUTF8 { bytes in
            let start = min(scheme.count, bytes.count)
            return (start, bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.count)
        }
        let bytes = url.utf8
        let authorityStart = bytes.index(bytes.startIndex, offsetBy: start)
        let end = bytes.index(bytes.startIndex, offsetBy: slash)
        return (url[authorityStart..<end], url[end...])
    }

    /// Host and port of an authority: user information dropped, an IPv6
    /// literal without its brackets, port 80 when none is given.
    static func hostAndPort(_ authority: Substring) -> (host: String, port: Int) {
        let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        var host = hostAndPort, port = 80
        if let colon = hostAndPort.lastIndex(of: ":"), !hostAndPort[colon...].contains("]") {
            host = hostAndPort[..<colon]
            port = Int(hostAndPort[hostAndPort.index(after: colon)...]) ?? 0
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return (String(host), port)
    }
}
