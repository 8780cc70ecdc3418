import Testing
@testable import WorkerClient

@Suite struct RequestHeadTests {
    private func spell(_ request: UpstreamRequest) -> String {
        let (authority, target) = PlainHTTPURL.split(request.url)
        var head: [UInt8] = []
        RequestHead.spell(request, target: target, tail: RequestHead.tail(host: authority), into: &head)
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
        #expect(PlainHTTPURL.split("http://h:1/v1/generate") == ("h:1", "/v1/generate"))
        #expect(PlainHTTPURL.split("http://h:1") == ("h:1", "/"))
    }

    @Test func hostAndPortComeOutOfEveryAuthority() {
        #expect(PlainHTTPURL.hostAndPort("127.0.0.1:30001") == ("127.0.0.1", 30001))
        #expect(PlainHTTPURL.hostAndPort("gpu-0") == ("gpu-0", 80))
        #expect(PlainHTTPURL.hostAndPort("[::1]:8080") == ("::1", 8080))
        #expect(PlainHTTPURL.hostAndPort("[::1]") == ("::1", 80))
        #expect(PlainHTTPURL.hostAndPort("user:secret@gpu-1:9") == ("gpu-1", 9))
    }
}
