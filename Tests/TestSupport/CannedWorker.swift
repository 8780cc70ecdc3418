import Foundation

/// A loopback HTTP "worker" that answers every request, once its head
/// arrived, with the same raw bytes (any body unread), for answers
/// mock-sglang cannot produce: chosen response headers, or none at all (an
/// empty response closes without answering). Serves one connection at a
/// time on a thread of its own until deinit.
public final class CannedWorker {
    /// What becomes of a connection after its answer.
    public enum Ending: Sendable {
        /// It closes.
        case afterTheAnswer
        /// It stays open, and closes unanswered when the next request
        /// arrives: a keep-alive connection the worker dropped (its idle
        /// timeout ran out) just as the router sent a request on it.
        case atTheNextRequest
        /// It stays open and answers every request on it, until the router closes it.
        case never
    }

    public let port: Int
    private let descriptor: Int32
    private let served = Locked(0)
    public var url: String { loopbackURL(port: port) }
    /// Request heads received, answered or not.
    public var requestsSeen: Int { served.value }

    public init(response: String, ending: Ending = .afterTheAnswer) throws {
        let (descriptor, port) = try bindLoopbackSocket(listenBacklog: 16)
        self.descriptor = descriptor
        self.port = port
        let bytes = Array(response.utf8)
        let served = served
        Thread {
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 { if errno == EINTR { continue } else { return } }
                while Self.readRequestHead(client) {
                    served.withLock { $0 += 1 }
                    _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if ending == .atTheNextRequest, Self.readRequestHead(client) { served.withLock { $0 += 1 } }
                    if ending != .never { break }
                }
                close(client)
            }
        }.start()
    }

    /// Reads up to the end of a request head; false if the peer closed first.
    private static func readRequestHead(_ client: Int32) -> Bool {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !received.contains(Array("\r\n\r\n".utf8)) {
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            received += chunk[..<count]
        }
        return true
    }

    /// Shutting the socket down wakes the accepting thread, which then ends.
    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }
}
