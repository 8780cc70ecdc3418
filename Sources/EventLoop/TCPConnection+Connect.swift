internal import CUV
import Glibc

extension TCPConnection {
    /// Opens a connection to `host:port`: an IP address as it is, a name
    /// through `getaddrinfo` on libuv's thread pool (its first address).
    /// `completion` runs once, later on the loop (never from inside this
    /// call), with nil when connected, unless the connection is closed
    /// first; reading begins with `resumeReading()`.
    public static func connect(
        loop: EventLoop, host: String, port: Int,
        completion: @escaping (UVError?) -> Void
    ) -> TCPConnection {
        let connection = TCPConnection(loop: loop)
        connection.onConnected = completion
        var storage = sockaddr_storage()
        if (try? SocketAddress.fill(&storage, host: host, port: port)) != nil {
            withUnsafePointer(to: &storage) { connection.connect(to: UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self)) }
        } else {
            connection.resolve(host: host, port: port)
        }
        return connection
    }

    private func resolve(host: String, port: Int) {
        let request = UnsafeMutablePointer<uv_getaddrinfo_t>.allocate(capacity: 1)
        request.initialize(to: uv_getaddrinfo_t())
        // Retained until the answer: a closed connection ignores it.
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        let status = uv_getaddrinfo(
            loop.uvLoop, request,
            { request, status, result in
                guard let request else { return }
                let connection = Unmanaged<TCPConnection>.fromOpaque(request.pointee.data).takeRetainedValue()
                request.deallocate()
                defer { uv_freeaddrinfo(result) }
                guard status == 0, let address = result?.pointee.ai_addr else {
                    return connection.connected(UVError(status == 0 ? Int32(UV_EAI_NONAME.rawValue) : status))
                }
                connection.connect(to: address)
            }, host, String(port), &hints)
        if status < 0 {
            Unmanaged<TCPConnection>.fromOpaque(request.pointee.data).release()
            request.deallocate()
            failLater(UVError(status))
        }
    }

    private func connect(to address: UnsafePointer<sockaddr>) {
        guard !isClosed else { return }
        let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        request.initialize(to: uv_connect_t())
        let status = uv_tcp_connect(request, tcpHandle, address) { request, status in
            guard let request else { return }
            let connection = handleOwner(request.pointee.handle, as: TCPConnection.self)
            request.deallocate()
            connection?.connected(status < 0 ? UVError(status) : nil)
        }
        if status < 0 {
            request.deallocate()
            failLater(UVError(status))
        }
    }

    private func failLater(_ error: UVError) {
        loop.schedule(afterMilliseconds: 0) { [self] in connected(error) }
    }

    private func connected(_ error: UVError?) {
        guard !isClosed, let completion = onConnected else { return }
        onConnected = nil
        if error == nil { setNoDelay() }
        completion(error)
    }
}
