import HTTPServer
import Testing
import TestSupport

/// When a connection stays open after a response, and when it does not.
@Suite struct KeepAliveTests {
    @Test func servesSeveralRequestsOnOneConnection() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        for index in 0..<5 {
            try client.send("POST /item/\(index) HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == echoed("POST", "/item/\(index)", body: "abc"))
            #expect(response.header("Connection") == nil)
        }
    }

    @Test func http10WithoutKeepAliveClosesAfterTheResponse() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET /old HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.text == echoed("GET", "/old"))
        #expect(response.header("Connection")?.lowercased() == "close")
        #expect(client.isClosedByPeer())
    }

    /// An HTTP/1.0 client assumes the connection closes unless the answer
    /// says `Connection: keep-alive` (ApacheBench -k relies on it).
    @Test func http10WithKeepAliveIsToldTheConnectionStaysOpen() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        for path in ["/one", "/two"] {
            try client.send("GET \(path) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == echoed("GET", path))
            #expect(response.header("Connection")?.lowercased() == "keep-alive")
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        let server = try TestServer(handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.text == echoed("GET", "/last"))
        #expect(response.header("Connection")?.lowercased() == "close")
        #expect(client.isClosedByPeer())
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeoutMilliseconds = 300
        let server = try TestServer(configuration: configuration, handler: echoHandler)
        let client = try RawHTTPConnection(port: server.port)
        try client.send("GET /once HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(client.isClosedByPeer(timeout: 10))
        #expect(server.sync { server, _ in server.connectionCount } == 0)
    }
}
