import Glibc

/// The names under which clients reach this server: an absolute-form
/// request-target (`GET http://host:port/path`) is served only when it
/// names them, since the server is no forward proxy. Anything else would
/// let a client that mistakes it for one have its request answered here as
/// if it were meant for another host.
public struct ServerAuthority: Sendable {
    public let port: Int
    /// Lowercased host names and address literals (IPv6 without brackets).
    public let hosts: Set<String>

    public init(port: Int, hosts: Set<String>) {
        self.port = port
        self.hosts = Set(hosts.map { $0.lowercased() })
    }

    /// The names of a server listening on `host`: the address itself, and
    /// `localhost` for a loopback one; for a wildcard address (`0.0.0.0`,
    /// `::`), every address of the machine's interfaces, `localhost` and the
    /// machine's host name.
    public static func listening(on host: String, port: Int) -> ServerAuthority {
        var hosts: Set<String> = [host]
        switch host {
        case "0.0.0.0", "::", "":
            hosts.formUnion(interfaceAddresses())
            hosts.insert("localhost")
            if let name = hostName() { hosts.insert(name) }
        case "localhost", "::1":
            hosts.formUnion(["localhost", "127.0.0.1", "::1"])
        default:
            if host.hasPrefix("127.") { hosts.insert("localhost") }
        }
        return ServerAuthority(port: port, hosts: hosts)
    }

    /// True when `http://host:port` is this server (port 80 when absent).
    func names(scheme: Substring, host: Substring, port: Int?) -> Bool {
        scheme.lowercased() == "http" && (port ?? 80) == self.port && hosts.contains(host.lowercased())
    }

    private static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
    }

    private static func interfaceAddresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [String] = []
        var entry = list
        while let current = entry {
            defer { entry = current.pointee.ifa_next }
            guard let address = current.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let raw = UnsafeRawPointer(address)
            let source =
                family == AF_INET
                ? UnsafeRawPointer(raw.assumingMemoryBound(to: sockaddr_in.self).pointer(to: \.sin_addr)!)
                : UnsafeRawPointer(raw.assumingMemoryBound(to: sockaddr_in6.self).pointer(to: \.sin6_addr)!)
            if inet_ntop(family, source, &text, socklen_t(text.count)) != nil {
                addresses.append(String(decoding: text.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))
            }
        }
        return addresses
    }
}
