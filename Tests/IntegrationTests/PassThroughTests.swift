import Foundation
import Testing
import TestSupport

/// Every path the router does not own is relayed to a worker as it came:
/// method, path, query, body and end-to-end headers; hop-by-hop headers are
/// not forwarded (RFC 9110 §7.6.1); the worker's status and headers return.
@Suite struct PassThroughTests {
    /// The echoed request as the mock saw it.
    struct Echo {
        var method: String
        var target: String
        var headers: [(name: String, value: String)]
        var body: String

        init(_ response: HTTPTestResponse) throws {
            let object = try jsonObject(response)
            guard let method = object["method"] as? String, let target = object["target"] as? String,
                let headers = object["headers"] as? [[String]], let body = object["body"] as? String
            else {
                throw FixtureError("unexpected echo: \(response.text.prefix(500))")
            }
            self.method = method
            self.target = target
            self.headers = headers.map { (name: $0[0], value: $0[1]) }
            self.body = body
        }

        func values(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
    }

    @Test(arguments: WorkerClientKind.allCases, ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    func methodPathQueryBodyAndHeadersArriveIntact(client: WorkerClientKind, method: String) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let body = method == "GET" ? "" : #"{"prompt": "héllo wörld ✓", "n": [1, 2, 3]}"#
        let response = try router.request(
            method, "/mock/echo?a=1&b=x%20y&empty=&a=2&q=%E2%9C%93",
            headers: [
                ("X-Request-Id", "abc-123"), ("Authorization", "Bearer t0ken"),
                ("Content-Type", "application/json; charset=utf-8"), ("X-Empty", ""),
                ("Accept", "application/json, text/event-stream"), ("User-Agent", "router-tests/1.0"),
            ],
            body: Array(body.utf8))
        #expect(response.status == 200)
        let echo = try Echo(response)
        #expect(echo.method == method)
        #expect(echo.target == "/mock/echo?a=1&b=x%20y&empty=&a=2&q=%E2%9C%93")
        #expect(echo.body == body)
        #expect(echo.values("X-Request-Id") == ["abc-123"])
        #expect(echo.values("Authorization") == ["Bearer t0ken"])
        #expect(echo.values("Content-Type") == ["application/json; charset=utf-8"])
        #expect(echo.values("Accept") == ["application/json, text/event-stream"])
        #expect(echo.values("User-Agent") == ["router-tests/1.0"])
        #expect(echo.values("Host") == ["127.0.0.1:\(mock.port)"])
        if !body.isEmpty { #expect(echo.values("Content-Length") == ["\(body.utf8.count)"]) }
    }

    @Test(arguments: WorkerClientKind.allCases)
    func repeatedHeadersKeepTheirOrder(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let response = try router.request(
            "GET", "/mock/echo",
            headers: [
                ("X-Multi", "one"), ("X-Other", "between"), ("X-Multi", "two"), ("Cookie", "a=1"), ("Cookie", "b=2"),
            ])
        let echo = try Echo(response)
        #expect(echo.values("X-Multi") == ["one", "two"])
        #expect(echo.values("Cookie") == ["a=1", "b=2"])
        #expect(echo.values("X-Other") == ["between"])
    }

    /// The router answers the client's expectation itself and relays the
    /// body it then has; the worker is not asked to continue again.
    @Test(arguments: WorkerClientKind.allCases)
    func expectContinueIsAnsweredByTheRouter(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let client = try RawHTTPConnection(port: router.port)
        let body = #"{"hello":"world"}"#
        try client.send(
            "POST /mock/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        #expect(try client.readResponseHead().status == 100)
        try client.send(body)
        let response = try client.readResponse()
        #expect(response.status == 200)
        let echo = try Echo(response)
        #expect(echo.body == body)
        #expect(echo.values("Expect").isEmpty)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func hopByHopHeadersAreNotForwarded(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let response = try router.request(
            "POST", "/mock/echo?x=1",
            headers: [
                ("Connection", "keep-alive, X-Hop-Named, x-other-named"),
                ("X-Hop-Named", "secret"),
                ("X-Other-Named", "secret too"),
                ("Keep-Alive", "timeout=5, max=100"),
                ("TE", "trailers"),
                ("Upgrade", "h2c"),
                ("Proxy-Connection", "keep-alive"),
                ("Proxy-Authorization", "Basic Zm9vOmJhcg=="),
                ("X-End-To-End", "kept"),
            ], body: Array("payload".utf8))
        #expect(response.status == 200)
        let echo = try Echo(response)
        for name in [
            "Connection", "X-Hop-Named", "X-Other-Named", "Keep-Alive", "TE", "Upgrade",
            "Proxy-Connection", "Proxy-Authorization",
        ] {
            // curl adds no Connection header of its own to a keep-alive HTTP/1.1 request.
            #expect(echo.values(name).isEmpty, "\(name) was forwarded: \(echo.values(name))")
        }
        #expect(echo.values("X-End-To-End") == ["kept"])
        #expect(echo.body == "payload")
        #expect(echo.target == "/mock/echo?x=1")
    }

    @Test(arguments: WorkerClientKind.allCases)
    func chunkedRequestBodyIsRelayedWithALength(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let connection = try RawHTTPConnection(port: router.port)
        try connection.send(
            "PUT /mock/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n")
        let response = try connection.readResponse(timeout: 60)
        #expect(response.status == 200)
        let echo = try Echo(response)
        #expect(echo.body == "hello, world")
        #expect(echo.values("Transfer-Encoding").isEmpty)
        #expect(echo.values("Content-Length") == ["12"])
    }

    @Test(arguments: WorkerClientKind.allCases)
    func workerStatusAndHeadersComeBack(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        // One attempt: a worker's 500 is relayed, not retried.
        let router = try RouterProcess(client: client, mocks: [mock], ["--retry-attempts", "1"])

        let notFound = try router.request("GET", "/no/such/worker/path?x=1")
        #expect(notFound.status == 404)
        #expect(notFound.header("Content-Type") == "application/json")
        #expect(try jsonObject(notFound)["detail"] as? String == "Not Found")

        try mock.configure(["error_next": 1])
        let failed = try router.generate(rid: "boom")
        #expect(failed.status == 500)
        #expect(failed.header("Content-Type") == "application/json")
        #expect(errorMessage(failed) == "injected worker error")

        let ok = try router.generate(rid: "fine", maxNewTokens: 3)
        #expect(ok.status == 200)
        #expect(ok.header("Content-Type") == "application/json")
        let meta = try jsonObject(ok)["meta_info"] as? [String: Any]
        #expect(meta?["id"] as? String == "fine")
        #expect(meta?["completion_tokens"] as? Int == 3)
        #expect(try mock.rids() == ["boom", "fine"])
    }

    /// Framings mock-sglang does not use: interim 1xx answers before the
    /// real one, a chunked answer, and one without a length that ends with
    /// the connection. Each reaches the client whole, for GET and POST.
    @Test(
        arguments: WorkerClientKind.allCases,
        [
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello world",
        ])
    func everyFramingOfTheAnswerIsRelayedWhole(client: WorkerClientKind, answer: String) throws {
        // A worker that closes after framed answers would race the router's
        // next request on the pooled connection (NextWorkerTests covers that).
        let worker = try CannedWorker(response: answer, ending: answer.contains("Connection: close") ? .afterTheAnswer : .never)
        let router = try RouterProcess(client: client, workers: [worker.url], ["--disable-health-check"])
        for method in ["GET", "POST"] {
            let response = try router.request(method, "/framed", body: method == "POST" ? Array("{}".utf8) : [])
            #expect(response.status == 200, "\(method): \(response.status) \(response.text)")
            #expect(response.text == "hello world", "\(method)")
        }
    }

    @Test(arguments: WorkerClientKind.allCases)
    func hopByHopResponseHeadersAreNotRelayed(client: WorkerClientKind) throws {
        let worker = try CannedWorker(
            response: "HTTP/1.1 203 Non-Authoritative Information\r\n"
                + "Content-Type: text/plain\r\nX-Worker: kept\r\nConnection: close, X-Worker-Hop\r\n"
                + "X-Worker-Hop: secret\r\nKeep-Alive: timeout=3\r\nProxy-Connection: close\r\n"
                + "Upgrade: h2c\r\nContent-Length: 5\r\n\r\nhello")
        let router = try RouterProcess(client: client, workers: [worker.url], ["--disable-health-check"])
        let connection = try RawHTTPConnection(port: router.port)
        // A keep-alive client: the worker's "Connection: close" is not its business.
        try connection.send("GET /anything?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try connection.readResponse(timeout: 60)
        #expect(response.status == 203)
        #expect(response.text == "hello")
        #expect(response.header("X-Worker") == "kept")
        #expect(response.header("Content-Type") == "text/plain")
        for name in ["X-Worker-Hop", "Keep-Alive", "Proxy-Connection", "Upgrade"] {
            #expect(response.header(name) == nil, "\(name) was relayed")
        }
        #expect(response.header("Connection")?.lowercased() != "close, x-worker-hop")
        // The connection stays usable.
        try connection.send("GET /again HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(try connection.readResponse(timeout: 60).text == "hello")
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aStreamingWorkerErrorIsRelayed(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        // Streamed requests are relayed as they come, never retried.
        try mock.configure(["error_next": 1])
        let body = try JSONSerialization.data(withJSONObject: generateBody(rid: "boom", maxNewTokens: 2, stream: true))
        let failed = try router.request("POST", "/generate", body: Array(body))
        #expect(failed.status == 500)
        #expect(errorMessage(failed) == "injected worker error")
        #expect(try mock.rids() == ["boom"])
    }

    @Test(arguments: WorkerClientKind.allCases)
    func headRequestGetsHeadersWithoutBody(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let connection = try RawHTTPConnection(port: router.port)
        // Two requests on one connection: a stray HEAD body would corrupt the second.
        try connection.send("HEAD /mock/echo HTTP/1.1\r\nHost: x\r\n\r\nGET /mock/echo?second HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try connection.readResponse(timeout: 60, forHEAD: true)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        let second = try connection.readResponse(timeout: 60)
        #expect(second.status == 200)
        #expect(try Echo(second).target == "/mock/echo?second")
    }

    @Test(arguments: WorkerClientKind.allCases)
    func keepAliveConnectionCarriesManyProxiedRequests(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let connection = try RawHTTPConnection(port: router.port)
        for index in 0..<20 {
            let body = "request \(index)"
            try connection.send("POST /mock/echo?i=\(index) HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let echo = try Echo(connection.readResponse(timeout: 60))
            #expect(echo.target == "/mock/echo?i=\(index)")
            #expect(echo.body == body)
        }
    }
}
