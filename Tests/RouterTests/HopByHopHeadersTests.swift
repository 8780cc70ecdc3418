import HTTPServer
import Testing
@testable import Router

/// Which fields go on to the other side of the proxy, decided in-process
/// (PassThroughTests proves the same through both worker clients).
@Suite struct HopByHopHeadersTests {
    func kept(_ fields: [(name: String, value: String)]) -> [String] {
        HopByHopHeaders.endToEnd(HTTPHeaders(fields)).map(\.name)
    }

    @Test func framingAndConnectionFieldsAreDroppedWhateverTheirCase() {
        let fields = [
            ("HOST", "x"), ("content-length", "3"), ("Transfer-Encoding", "chunked"), ("connection", "keep-alive"),
            ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Trailer", "x"), ("Upgrade", "h2c"), ("Expect", "100-continue"),
            ("Proxy-Connection", "close"), ("Proxy-Authorization", "Basic x"), ("Proxy-Authenticate", "Basic"),
            ("Content-Type", "application/json"), ("Accept", "*/*"),
        ]
        #expect(kept(fields) == ["Content-Type", "Accept"])
    }

    @Test func fieldsTheConnectionHeaderNamesAreDropped() {
        let fields = [
            ("Connection", " close ,\tX-Trace , ,"), ("X-Trace", "1"), ("x-trace-id", "2"), ("connection", "x-other"),
            ("X-OTHER", "3"), ("X-Kept", "4"),
        ]
        #expect(kept(fields) == ["x-trace-id", "X-Kept"])
    }

    @Test func withoutConnectionOnlyTheFixedSetGoes() {
        #expect(kept([("X-Trace", "1"), ("Date", "today"), ("Host", "h")]) == ["X-Trace", "Date"])
    }
}
