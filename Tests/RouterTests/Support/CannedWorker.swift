import Foundation
import TestSupport

/// A loopback HTTP "worker" that answers every request, once its head
/// arrived, with the same raw bytes and then closes (any body unread), for
/// answers mock-sglang cannot produce: chosen response headers, or none at
/// all (an empty response closes without answering). Serves on a thread of
/// its own until deinit.
final class CannedWorker {
    let port: Int
    private let descriptor: Int32
    private let served = Locked(0)
    var url: String { loopbackURL(port: port) }
    /// Connections served, one request on each (answered or dropped).
    var requestsSeen: Int { served.value }

    init(response: String) throws {
        let (descriptor, port) = try bindLoopbackSocket(listenBacklog: 16)
        self.descriptor = descriptor
        self.port = port
        let bytes = Array(response.utf8)
        let served = served
        Thread {
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 { if errno == EINTR { continue } else { return } }
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while !received.contains(Array("\r\n\r\n".utf8)) {
                    let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    received += chunk[..<count]
                }
                served.withLock { $0 += 1 }
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
