internal import CUV

/// An accepted TCP stream: reads into a loop-wide buffer, writes with
/// `uv_try_write` first and queues only what the kernel did not take.
/// Small answers and requests (`writeBatched`) wait for the end of the
/// loop's iteration (`WriteBatch`).
public final class TCPConnection {
    public typealias ReadHandler = (UnsafeRawBufferPointer) -> Void
    /// Called once when the peer closed (`nil`) or the stream failed.
    public typealias EndHandler = (UVError?) -> Void

    let loop: EventLoop
    private let handle = Handle<uv_tcp_t>()
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    @exclusivity(unchecked) private var onRead: ReadHandler?
    @exclusivity(unchecked) private var onEnd: EndHandler?
    @exclusivity(unchecked) private var onDrained: (() -> Void)?
    @exclusivity(unchecked) private var onClosed: (() -> Void)?
    /// Set while an outgoing connection is being made (see `connect`).
    @exclusivity(unchecked) var onConnected: ((UVError?) -> Void)?
    @exclusivity(unchecked) private var isReading = false
    /// Closing after writes: the peer's input is read and dropped until it
    /// closes too, or until `lingerTimer` fires.
    @exclusivity(unchecked) private var isLingering = false
    @exclusivity(unchecked) private var lingerMilliseconds: UInt64 = 0
    @exclusivity(unchecked) private var lingerTimer: LoopTimer?
    @exclusivity(unchecked) public private(set) var isClosed = false
    /// Bytes handed to `uv_write` and not yet confirmed written.
    @exclusivity(unchecked) private var writeQueueBytes = 0
    /// A write held back until the end of the loop's iteration, kept as
    /// given (no copy): at most one, as two buffers.
    @exclusivity(unchecked) private var heldFirst: [UInt8] = []
    @exclusivity(unchecked) private var heldSecond: [UInt8] = []
    /// Bytes not yet confirmed written: held back or queued.
    public var queuedBytes: Int { writeQueueBytes + heldFirst.count + heldSecond.count }
    /// Bytes not yet passed to the kernel. Unlike `queuedBytes`, it shrinks
    /// while a large write goes out piece by piece.
    public var unsentBytes: Int { uv_stream_get_write_queue_size(stream) + heldFirst.count + heldSecond.count }

    init(loop: EventLoop) {
        self.loop = loop
        uv_tcp_init(loop.uvLoop, handle.pointer)
        handle.attach(self)
    }

    var stream: UnsafeMutablePointer<uv_stream_t> {
        UnsafeMutableRawPointer(handle.pointer).assumingMemoryBound(to: uv_stream_t.self)
    }

    var tcpHandle: UnsafeMutablePointer<uv_tcp_t> { handle.pointer }

    func setNoDelay() { uv_tcp_nodelay(handle.pointer, 1) }

    /// Installs the handlers; reading begins with `resumeReading()`.
    /// `onClosed` runs once, when the connection is closed by either
    /// `close()` or `closeAfterWrites(lingerMilliseconds:)`.
    public func setHandlers(
        onRead: @escaping ReadHandler, onEnd: @escaping EndHandler,
        onDrained: @escaping () -> Void, onClosed: @escaping () -> Void
    ) {
        self.onRead = onRead
        self.onEnd = onEnd
        self.onDrained = onDrained
        self.onClosed = onClosed
    }

    public func resumeReading() {
        guard !isReading, !isClosed else { return }
        isReading = true
        uv_read_start(
            stream,
            { handle, suggested, buffer in
                guard let buffer, let connection = handleOwner(handle, as: TCPConnection.self) else { return }
                let shared = connection.loop.readBuffer
                buffer.pointee = uv_buf_init(shared.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(shared.count))
            },
            { stream, nread, buffer in
                guard let connection = handleOwner(stream, as: TCPConnection.self) else { return }
                if nread > 0, let base = buffer?.pointee.base {
                    connection.onRead?(UnsafeRawBufferPointer(start: base, count: nread))
                } else if nread < 0 {
                    let error = UVError(Int32(nread))
                    connection.finishReading(error == .endOfFile ? nil : error)
                }
                // nread == 0 is EAGAIN: nothing to do.
            })
    }

    public func pauseReading() {
        guard isReading, !isClosed else { return }
        isReading = false
        uv_read_stop(stream)
    }

    private func finishReading(_ error: UVError?) {
        if isLingering { return close() }
        pauseReading()
        let end = onEnd
        onEnd = nil
        end?(error)
    }

    /// Writes `bytes`, copying what cannot be written at once.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        write(bytes, UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// Writes `first` then `second` with one system call when nothing is
    /// queued (a request head and its body), copying what the kernel did
    /// not take into one queued write.
    public func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) {
        let total = first.count + second.count
        guard !isClosed, total > 0 else { return }
        // What was held back goes first.
        releaseHeldWrite()
        var written = 0
        if writeQueueBytes == 0 {
            let status = tryWrite(first, second)
            if status == total { return }
            if status > 0 {
                written = Int(status)
            } else if status != UVError.tryAgain.code {
                finishReading(UVError(status))
                return
            }
        }
        enqueue(first, second, skipping: written)
    }

    /// `uv_try_write` of both: the bytes the kernel took, or an error.
    private func tryWrite(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Int32 {
        var buffers = (Self.buffer(first), Self.buffer(second))
        return withUnsafeMutableBytes(of: &buffers) { raw in
            uv_try_write(stream, raw.baseAddress!.assumingMemoryBound(to: uv_buf_t.self), second.isEmpty ? 1 : 2)
        }
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Writes held back are at most this large: a larger one goes at once,
    /// where copying what the kernel does not take costs more than a wake-up.
    public static let largestHeldWrite = 64 * 1024

    /// Writes `first` then `second` as `write` does, at the end of the
    /// loop's iteration with the iteration's other writes (see
    /// `WriteBatch`), keeping the arrays (no copy) until then. A large
    /// write, or one behind a queue, goes at once; a write held back
    /// before this one goes now.
    public func writeBatched(_ first: [UInt8], _ second: [UInt8]) {
        let total = first.count + second.count
        guard !isClosed, total > 0 else { return }
        guard writeQueueBytes == 0, total <= Self.largestHeldWrite else {
            return first.withUnsafeBytes { first in second.withUnsafeBytes { write(first, $0) } }
        }
        if !releaseHeldWrite() { loop.writeBatch.add(self) }
        heldFirst = first
        heldSecond = second
    }

    /// Sends the write held back at the end of the iteration (`WriteBatch`).
    /// Once everything is out, the connection is drained, as after a
    /// queued write.
    func sendHeldWrite() {
        guard releaseHeldWrite(), !isClosed, writeQueueBytes == 0 else { return }
        onDrained?()
    }

    /// Sends the write held back, if any, and tells no one (a write that
    /// must follow it is under way); whether there was one.
    @discardableResult
    private func releaseHeldWrite() -> Bool {
        guard !heldFirst.isEmpty || !heldSecond.isEmpty else { return false }
        // Moved out, not copied: a copy retains each array, and emptying
        // the fields releases it again.
        var first: [UInt8] = [], second: [UInt8] = []
        swap(&first, &heldFirst)
        swap(&second, &heldSecond)
        first.withUnsafeBytes { first in second.withUnsafeBytes { write(first, $0) } }
        return true
    }

    private static func buffer(_ bytes: UnsafeRawBufferPointer) -> uv_buf_t {
        uv_buf_init(UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.assumingMemoryBound(to: CChar.self), UInt32(bytes.count))
    }

    /// Queues a copy of `first` and `second` after their first `skipped` bytes.
    private func enqueue(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, skipping skipped: Int) {
        let length = first.count + second.count - skipped
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 1)
        let fromFirst = max(0, first.count - skipped)
        if fromFirst > 0 { copy.copyMemory(from: UnsafeRawBufferPointer(rebasing: first[skipped...])) }
        if !second.isEmpty {
            let secondStart = max(0, skipped - first.count)
            UnsafeMutableRawBufferPointer(rebasing: copy[fromFirst...]).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: second[secondStart...]))
        }
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        request.initialize(to: uv_write_t())
        request.pointee.data = copy.baseAddress
        writeQueueBytes += length
        var buffer = uv_buf_init(copy.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(length))
        let status = uv_write(request, stream, &buffer, 1) { request, status in
            guard let request else { return }
            let stream = request.pointee.handle
            request.pointee.data.deallocate()
            request.deallocate()
            guard let connection = handleOwner(stream, as: TCPConnection.self) else { return }
            connection.writeCompleted(status: status)
        }
        if status < 0 {
            copy.deallocate()
            request.deallocate()
            writeQueueBytes -= length
            finishReading(UVError(status))
        } else {
            pendingWriteLengths.append(length)
        }
    }

    /// Lengths of queued writes, oldest first (libuv completes them in order).
    @exclusivity(unchecked) private var pendingWriteLengths: [Int] = []

    private func writeCompleted(status: Int32) {
        if !pendingWriteLengths.isEmpty {
            writeQueueBytes -= pendingWriteLengths.removeFirst()
        }
        if status < 0 {
            finishReading(UVError(status))
            return
        }
        if queuedBytes == 0 { onDrained?() }
    }

    /// Closes without losing what was written: `uv_shutdown` sends FIN
    /// once every queued write is out; then whatever the peer still sends is
    /// read and dropped until it closes too, or for `lingerMilliseconds`.
    /// Closing at once with unread input would make the kernel reset the
    /// connection, and the peer could lose the end of its answer (nginx's
    /// lingering close). Only `onClosed` is called from here on.
    public func closeAfterWrites(lingerMilliseconds: UInt64) {
        guard !isClosed, !isLingering else { return }
        releaseHeldWrite()
        guard !isClosed else { return }
        self.lingerMilliseconds = lingerMilliseconds
        pauseReading()
        onRead = nil
        onEnd = nil
        onDrained = nil
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        request.initialize(to: uv_shutdown_t())
        let status = uv_shutdown(request, stream) { request, status in
            guard let request else { return }
            let connection = handleOwner(request.pointee.handle, as: TCPConnection.self)
            request.deallocate()
            if status < 0 { connection?.close() } else { connection?.linger() }
        }
        if status < 0 {
            request.deallocate()
            close()
        }
    }

    private func linger() {
        guard !isClosed else { return }
        isLingering = true
        lingerTimer = loop.schedule(afterMilliseconds: lingerMilliseconds) { [weak self] in self?.close() }
        resumeReading()
    }

    /// Closes now; writes still queued are dropped. One held back is tried
    /// first, as it would have been when made, unless `sendingHeldWrite` is
    /// false: a request to a worker cancelled before it left must not reach
    /// the worker.
    public func close(sendingHeldWrite: Bool = true) {
        guard !isClosed else { return }
        if sendingHeldWrite, writeQueueBytes == 0, !heldFirst.isEmpty || !heldSecond.isEmpty {
            _ = heldFirst.withUnsafeBytes { first in heldSecond.withUnsafeBytes { tryWrite(first, $0) } }
        }
        heldFirst = []
        heldSecond = []
        isClosed = true
        isReading = false
        lingerTimer?.cancel()
        lingerTimer = nil
        onRead = nil
        onEnd = nil
        onDrained = nil
        onConnected = nil
        let closed = onClosed
        onClosed = nil
        handle.close()
        closed?()
    }
}
