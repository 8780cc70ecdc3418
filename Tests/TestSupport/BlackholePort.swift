import Foundation

/// A loopback port where connecting hangs for as long as this object lives:
/// a listener that never accepts, whose accept queue (backlog 0, room for
/// one) is filled by a connection of its own. The kernel then drops every
/// further SYN, so a connect neither succeeds nor is refused. `init` checks
/// that on this kernel, so that a test cannot pass by a refusal instead.
public final class BlackholePort {
    public let port: Int
    private let descriptor: Int32
    private let queueFiller: RawHTTPConnection
    public var url: String { loopbackURL(port: port) }

    public init() throws {
        (descriptor, port) = try bindLoopbackSocket(listenBacklog: 0)
        do {
            queueFiller = try RawHTTPConnection(port: port)
            try Self.expectConnectToHang(port: port)
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    /// A non-blocking connect that is still in progress after 100 ms.
    private static func expectConnectToHang(port: Int) throws {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { throw TestSupportError.system("socket", errno: errno) }
        defer { close(probe) }
        _ = fcntl(probe, F_SETFL, fcntl(probe, F_GETFL) | O_NONBLOCK)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard started < 0, errno == EINPROGRESS else {
            throw FixtureError("connect to a full accept queue did not hang (errno \(errno)): no blackhole on this kernel")
        }
        var poll = pollfd(fd: probe, events: Int16(POLLOUT), revents: 0)
        guard Glibc.poll(&poll, 1, 100) == 0 else {
            throw FixtureError("connect to a full accept queue ended within 100 ms: no blackhole on this kernel")
        }
    }
}
