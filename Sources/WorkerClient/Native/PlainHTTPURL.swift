/// The parts of an `http://` URL a request needs.
enum PlainHTTPURL {
    /// `host[:port]` and the request target (path and query, `/` at least),
    /// as slices of `url`, which starts with `http://`.
    static func split(_ url: String) -> (authority: Substring, target: Substring) {
        let rest = url.utf8.dropFirst("http://".utf8.count)
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let target = url[slash...]
        return (url[rest.startIndex..<slash], target.isEmpty ? "/" : target)
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
