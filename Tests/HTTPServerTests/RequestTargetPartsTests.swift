import HTTPServer
import Testing

/// The path and query of a request's target, also after it changes.
@Suite struct RequestTargetPartsTests {
    @Test func pathAndQueryAreSplitAtTheFirstQuestionMark() {
        let request = HTTPRequest(method: "GET", target: "/add_worker?url=http://h:1?x")
        #expect(request.path == "/add_worker")
        #expect(request.query == "url=http://h:1?x")
        #expect(request.queryParameter("url") == "http://h:1?x")
    }

    @Test func aTargetWithoutQueryIsAllPath() {
        let request = HTTPRequest(method: "GET", target: "/généré")
        #expect(request.path == "/généré")
        #expect(request.query == nil)
    }

    @Test func changingTheTargetChangesPathAndQuery() {
        var request = HTTPRequest(method: "GET", target: "/a?b=1")
        request.target = "/longer/path"
        #expect(request.path == "/longer/path")
        #expect(request.query == nil)
        request.target = "/c?d=2"
        #expect(request.path == "/c")
        #expect(request.query == "d=2")
    }
}
