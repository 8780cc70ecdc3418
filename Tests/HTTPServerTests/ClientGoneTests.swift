import HTTPServer
import Testing
import TestSupport

/// A client that goes away before its answer is complete is reported to
/// the handler, so that it can stop work (e.g. cancel a worker call).
@Suite struct ClientGoneTests {
    @Test(arguments: [true, false])
    func onClientGoneFiresWhenTheClientDisconnects(midStream: Bool) throws {
        let gone = Locked(false)
        let held = Locked<HTTPResponder?>(nil)
        let server = try TestServer { _, responder, _ in
            held.value = responder
            responder.onClientGone = { gone.value = true }
            if midStream {
                responder.startStream(status: 200, headers: [:])
                responder.writeChunk(Array("first".utf8))
            }
        }
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET /long HTTP/1.1\r\nHost: x\r\n\r\n")
        if midStream {
            _ = try client.readResponseHead()
            #expect(try client.readChunk() == Array("first".utf8))
        } else {
            #expect(eventually { held.value != nil })
        }
        client.close()
        #expect(eventually { gone.value })
        #expect(server.sync { _, _ in held.value?.isClientGone } == true)
    }
}
