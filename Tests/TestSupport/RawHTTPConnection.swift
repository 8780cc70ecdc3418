import Foundation

/// A blocking TCP client socket for driving a server byte by byte: every
/// read waits at most until its timeout, and bytes read past the end of one
/// response stay buffered for the next (pipelining).
///
/// HTTP framing (responses, chunks) is in `RawHTTPConnection+Responses.swift`.
public final class RawHTTPConnection {
    private var descriptor: Int32
    /// Received bytes not yet consumed, from `readIndex` on.
    private var received: [UInt8] = []
    private var readIndex = 0
    private var peerClosed = false

    /// Connects to `host:port` (an IPv4 or IPv6 literal, or `localhost`).
    /// A small `receiveBufferSize` makes the kernel hold less for a client
    /// that does not read, so a server sees backpressure sooner.
    public init(port: Int, host: String = "127.0.0.1", receiveBufferSize: Int? = nil) throws {
        let address = try SocketAddress(host: host == "localhost" ? "127.0.0.1" : host, port: port)
        descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestSupportError.system("socket", errno: errno) }
        if var size = receiveBufferSize.map(Int32.init) {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        // Small writes leave at once, so a request sent in pieces arrives in pieces.
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        guard address.connect(descriptor) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw TestSupportError.system("connect to \(host):\(port)", errno: code)
        }
    }

    deinit { close() }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw TestSupportError.system("send", errno: errno)
            }
            offset += sent
        }
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Half-closes: the peer reads end of stream, this side can still read.
    public func finishSending() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Everything the peer sends until it closes the connection.
    public func readUntilClosed(timeout: Double = 10) throws -> [UInt8] {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while try fill(until: deadline, waitingFor: "the peer to close") {}
        return take(received.count - readIndex)
    }

    /// True when the peer closes (or resets) the connection within `timeout`;
    /// bytes that arrive meanwhile stay buffered for later reads.
    public func isClosedByPeer(timeout: Double = 5) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        do {
            while try fill(until: deadline, waitingFor: "the peer to close") {}
            return true
        } catch {
            return false
        }
    }

    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    // MARK: buffered reading, for the framing code

    /// Reads once more from the socket into the buffer. Returns false at end
    /// of stream (orderly close or reset); throws when `deadline` passes.
    func fill(until deadline: Date, waitingFor what: String) throws -> Bool {
        if peerClosed { return false }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw TestSupportError.timedOut("waiting for \(what)") }
            let ready = poll(&poller, 1, Int32(min(remaining * 1000 + 1, Double(Int32.max))))
            if ready < 0, errno != EINTR { throw TestSupportError.system("poll", errno: errno) }
            if ready > 0 { break }
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count == 0 || (count < 0 && errno == ECONNRESET) {
            peerClosed = true
            return false
        }
        if count < 0 {
            if errno == EINTR || errno == EAGAIN { return true }
            throw TestSupportError.system("recv", errno: errno)
        }
        received.append(contentsOf: chunk[..<count])
        return true
    }

    var bufferedCount: Int { received.count - readIndex }

    /// Removes and returns the next `count` buffered bytes.
    func take(_ count: Int) -> [UInt8] {
        let bytes = Array(received[readIndex..<readIndex + count])
        readIndex += count
        if readIndex > 64 * 1024, readIndex * 2 > received.count {
            received.removeFirst(readIndex)
            readIndex = 0
        }
        return bytes
    }

    /// Offset of the next CRLF in the buffer, relative to the unread part.
    func bufferedLineLength() -> Int? {
        var index = readIndex
        while index + 1 < received.count {
            if received[index] == 13, received[index + 1] == 10 { return index - readIndex }
            index += 1
        }
        return nil
    }
}

/// An IPv4 or IPv6 socket address from a numeric host.
private struct SocketAddress {
    let family: Int32
    private var storage = sockaddr_storage()

    init(host: String, port: Int) throws {
        family = host.contains(":") ? AF_INET6 : AF_INET
        let parsed = withUnsafeMutableBytes(of: &storage) { raw -> Int32 in
            if family == AF_INET6 {
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                return inet_pton(AF_INET6, host, &address.pointee.sin6_addr)
            }
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            address.pointee.sin_family = sa_family_t(AF_INET)
            address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
            return inet_pton(AF_INET, host, &address.pointee.sin_addr)
        }
        guard parsed == 1 else { throw TestSupportError.system("inet_pton(\(host))", errno: EINVAL) }
    }

    func connect(_ descriptor: Int32) -> Int32 {
        var copy = storage
        let length = socklen_t(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        return withUnsafeBytes(of: &copy) {
            Glibc.connect(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
