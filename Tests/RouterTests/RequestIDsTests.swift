import HTTPServer
import Testing
@testable import Router

/// The ids the router gives requests that bring none of their own.
@Suite struct RequestIDsTests {
    @Test func newIdsCountUpInHexadecimalAfterOnePrefix() throws {
        let ids = RequestIDs(headerNames: ["X-Request-ID"])
        let given = (1...40).map { _ in
            var request = HTTPRequest(method: "GET", target: "/")
            return ids.assign(to: &request)
        }
        let prefix = try #require(given.first?.split(separator: "-").first)
        #expect(given == (1...40).map { "\(prefix)-\(String($0, radix: 16))" })
    }

    @Test func theIdIsTheRequestsFieldAndAClientsUsableOneIsKept() {
        let ids = RequestIDs(headerNames: ["X-Request-ID", "X-Correlation-ID"])
        var fresh = HTTPRequest(method: "GET", target: "/")
        let id = ids.assign(to: &fresh)
        #expect(fresh.headers.values("x-request-id") == [id])
        var brought = HTTPRequest(method: "GET", target: "/", headers: [("X-Correlation-ID", "abc-1")])
        #expect(ids.assign(to: &brought) == "abc-1")
        #expect(brought.headers["X-Request-ID"] == "abc-1")
    }

    /// A client that sends its id twice under the id's name gets one back,
    /// the id kept, and the worker sees only that one: every answer carries
    /// the request's field under that name as it is.
    @Test func anIdSentTwiceUnderTheNameIsKeptOnce() {
        let ids = RequestIDs(headerNames: ["X-Request-ID"])
        var request = HTTPRequest(method: "GET", target: "/", headers: [("X-Request-ID", "a-1"), ("x-request-id", "b-2")])
        #expect(ids.assign(to: &request) == "a-1")
        #expect(request.headers.values("X-Request-ID") == ["a-1"])
    }
}
