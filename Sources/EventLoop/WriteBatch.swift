internal import CUV

/// Holds small writes back until the loop has run the callbacks of its
/// iteration, then sends them, one system call per connection as before.
///
/// Why: under load one iteration answers a dozen requests or more. Written
/// as each is handled, a few microseconds apart, the readers on the other
/// side (clients, workers) are woken one write at a time, and each wake-up
/// may find the reader's core idle and pay for rousing it; in a burst, the
/// first write wakes the reader and the rest find it awake. (Issue 17: that
/// wake-up was the router's kernel time beyond nginx's.)
///
/// Writes go out in the loop's check phase (right after the I/O callbacks)
/// and in its prepare phase (before it waits again), so one made by a timer
/// or a close callback does not wait for the next event either.
final class WriteBatch {
    private let check = Handle<uv_check_t>()
    private let prepare = Handle<uv_prepare_t>()
    /// Connections holding writes back, each once.
    @exclusivity(unchecked) private var connections: [TCPConnection] = []

    init(uvLoop: UnsafeMutablePointer<uv_loop_t>) {
        uv_check_init(uvLoop, check.pointer)
        uv_prepare_init(uvLoop, prepare.pointer)
        check.attach(self)
        prepare.attach(self)
        uv_check_start(check.pointer) { handleOwner($0, as: WriteBatch.self)?.flush() }
        uv_prepare_start(prepare.pointer) { handleOwner($0, as: WriteBatch.self)?.flush() }
        // Neither keeps the loop running on its own.
        uv_unref(check.raw)
        uv_unref(prepare.raw)
    }

    /// Closes both handles, for a loop going away: their close callbacks
    /// free them and release this batch, which each handle holds.
    func close() {
        check.close()
        prepare.close()
    }

    /// `connection` now holds a write back.
    func add(_ connection: TCPConnection) {
        connections.append(connection)
    }

    /// Sends every write held back, in the order they were made.
    func flush() {
        guard !connections.isEmpty else { return }
        // A write sent may lead to another held back (a drained connection
        // goes on with its work): that one goes out in this same round.
        var index = 0
        while index < connections.count {
            connections[index].sendHeldWrite()
            index += 1
        }
        connections.removeAll(keepingCapacity: true)
    }
}
