import EventLoop
import Foundation
import Testing
import TestSupport

/// Outgoing connections: by address or by name, the outcome always
/// reported later on the loop, and two buffers written as one stream.
@Suite struct TCPConnectTests {
    /// Connects to a listener of the same loop at `host` and writes a head
    /// and a body with one call; returns what the listener read.
    private func sendThrough(host: String) throws -> String {
        let loop = EventLoop()
        var outcome: UVError?? = .none
        let received = try loop.readFromLoopback { port in
            var returned = false
            var client: TCPConnection!
            client = TCPConnection.connect(loop: loop, host: host, port: port) { error in
                #expect(returned, "completion called from inside connect")
                outcome = .some(error)
                guard error == nil else { return loop.stop() }
                Array("HEAD / HTTP/1.1\r\n\r\n".utf8).withUnsafeBytes { head in
                    Array("and a body".utf8).withUnsafeBytes { body in client.write(head, body) }
                }
                client.close()
            }
            returned = true
        }
        let error = try #require(outcome)
        #expect(error == nil, "\(String(describing: error))")
        return received
    }

    @Test func byAddressAndByName() throws {
        #expect(try sendThrough(host: "127.0.0.1") == "HEAD / HTTP/1.1\r\n\r\nand a body")
        #expect(try sendThrough(host: "localhost") == "HEAD / HTTP/1.1\r\n\r\nand a body")
    }

    @Test func aRefusedConnectionIsReportedLater() throws {
        let refusing = try RefusingPort()
        let loop = EventLoop()
        var outcome: UVError?
        var returned = false
        let connection = TCPConnection.connect(loop: loop, host: "127.0.0.1", port: refusing.port) { error in
            #expect(returned, "completion called from inside connect")
            outcome = error
            loop.stop()
        }
        returned = true
        #expect(loop.runUntilStopped())
        connection.close()
        #expect(outcome?.name == "ECONNREFUSED")
    }

    @Test func aNameThatDoesNotResolveFails() throws {
        let loop = EventLoop()
        var outcome: UVError?
        let connection = TCPConnection.connect(loop: loop, host: "no-such-host.invalid", port: 80) { error in
            outcome = error
            loop.stop()
        }
        #expect(loop.runUntilStopped())
        connection.close()
        #expect(outcome != nil)
    }
}
