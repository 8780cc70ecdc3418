import Foundation
import TestSupport

/// A loopback HTTP "worker" that answers every bodiless request with the
/// same raw bytes and then closes, for answers mock-sglang cannot produce
/// (chosen response headers). Serves on a thread of its own until deinit.
final class CannedWorker {
    let port: Int
    private let descriptor: Int32
    var url: String { loopbackURL(port: port) }

    init(response: String) throws {
        let (descriptor, port) = try bindLoopbackSocket(listenBacklog: 16)
        self.descriptor = descriptor
        self.port = port
        let bytes = Array(response.utf8)
        Thread {
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 { if errno == EINTR { continue } else { return } }
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while !received.ends(with: Array("\r\n\r\n".utf8)) {
                    let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    received += chunk[..<count]
                }
                _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }.start()
    }

    /// Shutting the socket down wakes the accepting thread, which then ends.
    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }
}

extension Array where Element: Equatable {
    func ends(with suffix: [Element]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
