@testable import EventLoop
import Testing

/// Writes held back to the end of the loop's iteration (`writeBatched`)
/// reach the peer in the order they were made, mixed with immediate writes,
/// and are not lost when the connection closes right after them, unless
/// the close drops them.
@Suite struct BatchedWriteTests {
    /// Connects to a listener of the same loop, lets `send` write on the
    /// client connection, and returns what the listener read until the
    /// client's end.
    private func received(_ send: @escaping (TCPConnection) -> Void) throws -> String {
        let loop = EventLoop()
        return try loop.readFromLoopback { port in
            var client: TCPConnection!
            client = TCPConnection.connect(loop: loop, host: "127.0.0.1", port: port) { error in
                guard error == nil else { return loop.stop() }
                send(client)
            }
        }
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func heldAndImmediateWritesArriveInTheOrderMade() throws {
        let text = try received { client in
            client.writeBatched(bytes("one "), bytes("two "))
            #expect(client.queuedBytes == 8, "held back, and counted as not yet written")
            bytes("three ").withUnsafeBytes { client.write($0) }
            client.writeBatched(bytes("four "), [])
            client.writeBatched([], bytes("five"))
            client.closeAfterWrites(lingerMilliseconds: 1000)
        }
        #expect(text == "one two three four five")
    }

    @Test func aHeldWriteIsSentBeforeAnAbruptClose() throws {
        let text = try received { client in
            client.writeBatched(bytes("last "), bytes("words"))
            client.close()
        }
        #expect(text == "last words")
    }

    @Test func aHeldWriteIsDroppedByACloseNotSendingIt() throws {
        let text = try received { client in
            client.writeBatched(bytes("cancelled "), bytes("request"))
            client.close(sendingHeldWrite: false)
        }
        #expect(text == "")
    }

    @Test func aLargeWriteIsNotHeldBack() throws {
        let large = [UInt8](repeating: UInt8(ascii: "x"), count: TCPConnection.largestHeldWrite + 1)
        let text = try received { client in
            client.writeBatched(large, [])
            #expect(client.queuedBytes < large.count, "the kernel took some at once")
            client.closeAfterWrites(lingerMilliseconds: 1000)
        }
        #expect(text.utf8.count == large.count)
    }

    /// The batch's libuv handles are closed with the loop and free it:
    /// a loop made and dropped (every test, every tool run) leaks nothing.
    @Test func theWriteBatchGoesWithItsLoop() {
        weak var batch: WriteBatch?
        do {
            let loop = EventLoop()
            batch = loop.writeBatch
        }
        #expect(batch == nil)
    }
}
