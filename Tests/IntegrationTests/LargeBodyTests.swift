import Foundation
import Testing
import TestSupport

/// Large bodies both ways, backpressure toward a slow client, and the body
/// size limit.
@Suite struct LargeBodyTests {
    /// Printable bytes in a pattern that catches lost, doubled or shifted
    /// pieces (no quote or backslash: the echo returns the body in a JSON string).
    static func pattern(_ count: Int, seed: Int = 0) -> [UInt8] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:;,".utf8)
        var bytes = [UInt8](repeating: 0, count: count)
        var state = UInt64(seed) &+ 0x9E37_79B9_7F4A_7C15
        for index in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[index] = alphabet[Int(state >> 58) % alphabet.count]
        }
        return bytes
    }

    /// The body the mock's `/mock/echo` saw, from its JSON answer.
    static func echoedBody(_ response: HTTPTestResponse) throws -> [UInt8] {
        guard let body = try jsonObject(response)["body"] as? String else {
            throw FixtureError("echo without body: \(response.text.prefix(300))")
        }
        return Array(body.utf8)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func twentyMegabytesThereAndBack(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let body = Self.pattern(20 * 1024 * 1024)
        let response = try router.request(
            "POST", "/mock/echo", headers: [("Content-Type", "application/octet-stream")],
            body: body, timeout: 300)
        #expect(response.status == 200)
        let echoed = try Self.echoedBody(response)
        #expect(echoed.count == body.count)
        #expect(echoed == body)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aSlowReadingClientGetsALargeResponseByteExact(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let body = Self.pattern(12 * 1024 * 1024, seed: 7)
        // A tiny receive window and nobody reading: the router's write queue
        // fills, it must pause the worker transfer and resume it later.
        let connection = try RawHTTPConnection(port: router.port, receiveBufferSize: 4096)
        try connection.send("POST /mock/echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        try connection.send(body)
        // Let the worker answer while the client reads nothing: the worker's
        // answer is all sent once its generation is done and the router has
        // read (or paused) it.
        #expect(eventually(timeout: 60) { (try? router.metrics().totalInFlight) == 1 })
        usleep(1_000_000)
        // 12 MB cannot fit in the socket buffers and the 1 MB write queue:
        // the transfer can only still be running, paused.
        #expect(try router.metrics().totalInFlight == 1)
        #expect(try mock.running() == 0)
        #expect(try router.request("GET", "/health").status == 200)
        // Now read, in small sips at first.
        let head = try connection.readResponseHead(timeout: 120)
        #expect(head.status == 200)
        let length = try #require(head.header("Content-Length").flatMap { Int($0) })
        var received: [UInt8] = []
        while received.count < length {
            let piece = try connection.readBytes(min(16 * 1024, length - received.count), timeout: 120)
            received += piece
            if received.count < 512 * 1024 { usleep(2_000) }
        }
        let echoed = try Self.echoedBody(HTTPTestResponse(status: head.status, headers: head.headers, body: received))
        #expect(echoed.count == body.count)
        #expect(echoed == body)
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 0 })
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aLargeStreamToASlowClientArrivesWhole(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        // Cumulative events of growing size: 1,500 of them make about 9 MB.
        let connection = try RawHTTPConnection(port: router.port, receiveBufferSize: 4096)
        let body = try JSONSerialization.data(withJSONObject: generateBody(rid: "big", maxNewTokens: 1500, stream: true))
        try connection.send("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        try connection.send(Array(body))
        usleep(1_000_000)
        let response = try connection.readResponse(timeout: 300)
        #expect(response.status == 200)
        let events = StreamingTests.events(response.text)
        #expect(events.count == 1501)
        #expect(events.last == "[DONE]")
        let last = try JSONSerialization.jsonObject(with: Data(events[events.count - 2].utf8)) as? [String: Any]
        #expect((last?["output_ids"] as? [Int])?.count == 1500)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aBodyOverTheLimitAnswers413(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock], ["--max-body-size", "1000"])
        let response = try router.request("POST", "/mock/echo", body: Self.pattern(1001))
        #expect(response.status == 413)
        #expect(errorMessage(response) != nil, "no JSON error: \(response.text)")
        // A body at the limit passes.
        let atLimit = try router.request("POST", "/mock/echo", body: Self.pattern(1000))
        #expect(atLimit.status == 200)
        #expect(try Self.echoedBody(atLimit) == Self.pattern(1000))
        // Chunked bodies are held to the same limit.
        let connection = try RawHTTPConnection(port: router.port)
        try connection.send("POST /mock/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        try connection.send("3e8\r\n" + String(decoding: Self.pattern(1000), as: UTF8.self) + "\r\n")
        try? connection.send("1\r\nx\r\n0\r\n\r\n")
        let chunked = try connection.readResponse(timeout: 60)
        #expect(chunked.status == 413)
        #expect(try mock.requests().isEmpty)
        #expect(try router.request("GET", "/health").status == 200)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aHeadOverTheLimitAnswers431(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock], ["--max-header-size", "2048"])
        let response = try router.request("GET", "/mock/echo", headers: [("X-Big", String(repeating: "a", count: 4096))])
        #expect(response.status == 431)
        #expect(errorMessage(response) != nil, "no JSON error: \(response.text)")
        #expect(try router.request("GET", "/mock/echo", headers: [("X-Small", "a")]).status == 200)
    }
}
