import Foundation

/// Collects what a child process writes to one pipe, on a thread of its own,
/// and lets other threads wait for lines.
///
/// `@unchecked Sendable`: all state is guarded by `condition`.
final class OutputCapture: @unchecked Sendable {
    private let condition = NSCondition()
    private var bytes: [UInt8] = []
    private var ended = false

    /// Starts reading `descriptor` until end of file, then closes it.
    init(reading descriptor: Int32) {
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                append(chunk[..<count])
            }
            Glibc.close(descriptor)
            finish()
        }
        thread.start()
    }

    var text: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }

    enum LineSearch {
        case found(String)
        case endOfStream
        case timedOut
    }

    /// The first complete line captured so far (or later) containing `text`.
    func waitForLine(containing text: String, until deadline: Date) -> LineSearch {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            // The last piece is an unfinished line unless the stream ended.
            for line in lines.dropLast(ended ? 0 : 1) where line.contains(text) { return .found(String(line)) }
            if ended { return .endOfStream }
            if !condition.wait(until: deadline) { return .timedOut }
        }
    }

    private func append(_ chunk: ArraySlice<UInt8>) {
        condition.lock()
        bytes += chunk
        condition.broadcast()
        condition.unlock()
    }

    private func finish() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }
}
