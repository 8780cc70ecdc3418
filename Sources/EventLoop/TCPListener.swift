internal import CUV
import Glibc

/// A listening TCP socket that hands each accepted connection to a closure.
public final class TCPListener {
    private let loop: EventLoop
    private let handle = Handle<uv_tcp_t>()
    private let onConnection: (TCPConnection) -> Void
    /// The port actually bound (useful with port 0).
    public private(set) var port: Int = 0

    public init(
        loop: EventLoop, host: String, port: Int, backlog: Int32 = 1024,
        onConnection: @escaping (TCPConnection) -> Void
    ) throws {
        self.loop = loop
        self.onConnection = onConnection
        uv_tcp_init(loop.uvLoop, handle.pointer)
        handle.attach(self)
        do {
            var storage = sockaddr_storage()
            try withUnsafeMutablePointer(to: &storage) { pointer in
                try SocketAddress.fill(pointer, host: host, port: port)
                try UVError.check(uv_tcp_bind(handle.pointer, UnsafeRawPointer(pointer).assumingMemoryBound(to: sockaddr.self), 0))
            }
            try UVError.check(
                uv_listen(UnsafeMutableRawPointer(handle.pointer).assumingMemoryBound(to: uv_stream_t.self), backlog) { server, status in
                    guard status == 0, let listener = handleOwner(server, as: TCPListener.self) else { return }
                    listener.acceptOne()
                })
            self.port = try SocketAddress.localPort(of: handle.pointer)
        } catch {
            handle.close()
            throw error
        }
    }

    private func acceptOne() {
        let connection = TCPConnection(loop: loop)
        let status = uv_accept(
            UnsafeMutableRawPointer(handle.pointer).assumingMemoryBound(to: uv_stream_t.self),
            connection.stream)
        guard status == 0 else {
            connection.close()
            return
        }
        connection.setNoDelay()
        onConnection(connection)
    }

    /// Stops accepting; connections already accepted are unaffected.
    public func close() {
        handle.close()
    }
}

enum SocketAddress {
    static func fill(_ storage: UnsafeMutablePointer<sockaddr_storage>, host: String, port: Int) throws {
        let raw = UnsafeMutableRawPointer(storage)
        if host.contains(":") {
            try UVError.check(uv_ip6_addr(host, Int32(port), raw.assumingMemoryBound(to: sockaddr_in6.self)))
        } else {
            try UVError.check(uv_ip4_addr(host, Int32(port), raw.assumingMemoryBound(to: sockaddr_in.self)))
        }
    }

    static func localPort(of tcp: UnsafeMutablePointer<uv_tcp_t>) throws -> Int {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        return try withUnsafeMutablePointer(to: &storage) { pointer in
            try UVError.check(uv_tcp_getsockname(tcp, UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: sockaddr.self), &length))
            let raw = UnsafeRawPointer(pointer)
            let networkPort =
                pointer.pointee.ss_family == sa_family_t(AF_INET6)
                ? raw.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port
                : raw.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port
            return Int(UInt16(bigEndian: networkPort))
        }
    }
}
