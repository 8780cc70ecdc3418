import Testing
@testable import WorkerClient

@Suite struct RequestHeadTests {
    private func spell(_ request: UpstreamRequest) -> String {
        var head: [UInt8] = []
        RequestHead.spell(request, tail: RequestHead.tail(host: request.worker.authority[...]), into: &head)
        return String(decoding: head, as: UTF8.self)
    }

    @Test func aPostCarriesItsFieldsAndLength() {
        let request = UpstreamRequest(
            method: "POST", url: "http://10.0.0.5:30001/generate?x=1",
            headers: [("Content-Type", "application/json"), ("X-Request-ID", "abc")],
            body: Array(repeating: 0x41, count: 1234))
        #expect(
            spell(request) == "POST /generate?x=1 HTTP/1.1\r\nHost: 10.0.0.5:30001\r\n"
                + "Content-Type: application/json\r\nX-Request-ID: abc\r\nContent-Length: 1234\r\n\r\n")
    }

    @Test func aGetHasNoLengthAndAnEmptyPostHasZero() {
        #expect(
            spell(UpstreamRequest(method: "GET", url: "http://h:1/health"))
                == "GET /health HTTP/1.1\r\nHost: h:1\r\n\r\n")
        #expect(
            spell(UpstreamRequest(method: "POST", url: "http://h:1/flush"))
                == "POST /flush HTTP/1.1\r\nHost: h:1\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func aWorkerURLWithAPrefixKeepsItAndABareOneGetsASlash() {
        let prefixed = WorkerAddress("http://h:1/v1")
        #expect(
            spell(UpstreamRequest(method: "GET", worker: prefixed, target: "/generate?x=1"))
                == "GET /v1/generate?x=1 HTTP/1.1\r\nHost: h:1\r\n\r\n")
        #expect(spell(UpstreamRequest(method: "GET", url: "http://h:1")) == "GET / HTTP/1.1\r\nHost: h:1\r\n\r\n")
        let bare = UpstreamRequest(method: "GET", worker: WorkerAddress("http://h:1"), target: "/health")
        #expect(bare.url == "http://h:1/health")
        #expect(spell(bare) == "GET /health HTTP/1.1\r\nHost: h:1\r\n\r\n")
    }

    @Test func hostAndPortComeOutOfEveryAuthority() {
        #expect(PlainHTTPURL.hostAndPort("127.0.0.1:30001") == ("127.0.0.1", 30001))
        #expect(PlainHTTPURL.hostAndPort("gpu-0") == ("gpu-0", 80))
        #expect(PlainHTTPURL.hostAndPort("[::1]:8080") == ("::1", 8080))
        #expect(PlainHTTPURL.hostAndPort("[::1]") == ("::1", 80))
        #expect(PlainHTTPURL.hostAndPort("user:secret@gpu-1:9") == ("gpu-1", 9))
    }
}
