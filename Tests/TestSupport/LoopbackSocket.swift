import Foundation

/// `http://127.0.0.1:PORT`.
public func loopbackURL(port: Int) -> String { "http://127.0.0.1:\(port)" }

/// A TCP socket bound to a free loopback port: listening with `backlog`
/// when one is given, else only bound (connections to it are refused).
/// The caller owns (and closes) the descriptor.
public func bindLoopbackSocket(listenBacklog backlog: Int32? = nil) throws -> (descriptor: Int32, port: Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestSupportError.system("socket", errno: errno) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ready = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
                && (backlog.map { listen(descriptor, $0) == 0 } ?? true)
        }
    }
    guard ready else {
        let code = errno
        close(descriptor)
        throw TestSupportError.system(backlog == nil ? "bind" : "bind/listen", errno: code)
    }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
}
