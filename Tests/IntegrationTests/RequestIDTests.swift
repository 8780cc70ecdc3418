import Foundation
import Testing
import TestSupport

/// Every request has an id: the client's `X-Request-ID` (or the headers
/// `--request-id-headers` names), else a new one. The worker gets it, the
/// client gets it back on every answer, and the router's log lines carry it.
@Suite struct RequestIDTests {
    /// What `/mock/echo` saw of header `name`.
    func echoedHeader(_ response: HTTPTestResponse, _ name: String) throws -> String? {
        let headers = try #require(jsonObject(response)["headers"] as? [[String]])
        return headers.first { $0.first?.lowercased() == name.lowercased() }?.last
    }

    @Test func generatedIDsReachTheWorkerAndComeBack() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let first = try router.request("GET", "/mock/echo")
        let second = try router.request("GET", "/mock/echo")
        let firstID = try #require(first.header("X-Request-ID"))
        let secondID = try #require(second.header("X-Request-ID"))
        #expect(firstID != secondID)
        #expect(try echoedHeader(first, "X-Request-ID") == firstID)
        #expect(try echoedHeader(second, "X-Request-ID") == secondID)
    }

    @Test func theClientsIDIsKeptAndABadOneReplaced() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let kept = try router.request("GET", "/mock/echo", headers: [("X-Request-ID", "trainer-7/turn-3")])
        #expect(kept.header("X-Request-ID") == "trainer-7/turn-3")
        #expect(try echoedHeader(kept, "X-Request-ID") == "trainer-7/turn-3")

        let tooLong = String(repeating: "x", count: 129)
        let replaced = try router.request("GET", "/mock/echo", headers: [("X-Request-ID", tooLong)])
        let id = try #require(replaced.header("X-Request-ID"))
        #expect(id != tooLong && !id.isEmpty)
        #expect(try echoedHeader(replaced, "X-Request-ID") == id)
    }

    /// Every kind of answer carries it: buffered and streamed `/generate`,
    /// the router's own routes, its errors.
    @Test func everyAnswerCarriesTheID() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let id = [("X-Request-ID", "r-1")]
        #expect(try router.request("POST", "/generate", headers: id, body: Array(#"{"text": "Hi"}"#.utf8)).header("X-Request-ID") == "r-1")
        let streamed = try router.request(
            "POST", "/generate", headers: id,
            body: Array(#"{"text": "Hi", "stream": true}"#.utf8))
        #expect(streamed.header("Content-Type") == "text/event-stream")
        #expect(streamed.header("X-Request-ID") == "r-1")
        #expect(try router.request("GET", "/health", headers: id).header("X-Request-ID") == "r-1")
        #expect(try router.request("GET", "/list_workers", headers: id).header("X-Request-ID") == "r-1")
        let notAllowed = try router.request("DELETE", "/metrics", headers: id)
        #expect(notAllowed.status == 405)
        #expect(notAllowed.header("X-Request-ID") == "r-1")
        let badBody = try router.request("POST", "/add_worker", headers: id, body: Array("nope".utf8))
        #expect(badBody.status == 400)
        #expect(badBody.header("X-Request-ID") == "r-1")
    }

    /// SGLang's gateway spelling: ids taken from the first of these headers
    /// the client sent, written under the first name.
    @Test func configuredHeaderNames() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock], ["--request-id-headers", "X-Correlation-ID", "X-Request-ID"])
        let byCorrelation = try router.request("GET", "/mock/echo", headers: [("x-correlation-id", "c-1")])
        #expect(byCorrelation.header("X-Correlation-ID") == "c-1")
        #expect(try echoedHeader(byCorrelation, "X-Correlation-ID") == "c-1")

        let bySecondName = try router.request("GET", "/mock/echo", headers: [("X-Request-ID", "r-2")])
        #expect(bySecondName.header("X-Correlation-ID") == "r-2")
        #expect(try echoedHeader(bySecondName, "X-Correlation-ID") == "r-2")

        let generated = try router.request("GET", "/mock/echo")
        let id = try #require(generated.header("X-Correlation-ID"))
        #expect(try echoedHeader(generated, "X-Correlation-ID") == id)
    }

    /// Sent twice under the id's name, the first is the request's id: the
    /// worker sees it alone, and the answer carries it alone.
    @Test func anIDSentTwiceComesBackOnce() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let answer = try router.request("GET", "/mock/echo", headers: [("X-Request-ID", "first-1"), ("x-request-id", "second-2")])
        #expect(answer.headers.filter { $0.name.lowercased() == "x-request-id" }.map(\.value) == ["first-1"])
        let echoed = try #require(jsonObject(answer)["headers"] as? [[String]])
        #expect(echoed.filter { $0.first?.lowercased() == "x-request-id" }.compactMap(\.last) == ["first-1"])
    }

    @Test func logLinesCarryTheID() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock], ["--log-level", "debug"])
        #expect(
            try router.request(
                "POST", "/generate", headers: [("X-Request-ID", "logged-42")],
                body: Array(#"{"text": "Hi"}"#.utf8)
            ).status == 200)
        #expect(
            eventually(timeout: 30) {
                router.process.standardError.split(separator: "\n").contains {
                    $0.contains("proxied") && $0.contains("request_id=logged-42")
                }
            }, "stderr: \(router.process.standardError.suffix(2000))")
    }

    /// `--middleware request-id` (the former example middleware) is still
    /// accepted; ids are on either way.
    @Test func theOldMiddlewareNameIsStillAccepted() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock], ["--middleware", "request-id"])
        let response = try router.request("GET", "/mock/echo", headers: [("X-Request-ID", "old-1")])
        #expect(response.header("X-Request-ID") == "old-1")
        #expect(try echoedHeader(response, "X-Request-ID") == "old-1")
    }
}

extension RequestIDTests {
    @Test(arguments: [["--request-id-headers"], ["--request-id-headers", "X Request"], ["--request-id-headers", "X-Id:"]])
    func unusableHeaderNamesAreRefusedAtStart(arguments: [String]) throws {
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0"] + arguments)
        #expect(try #require(process.waitForExit(timeout: 60)) != 0)
        #expect(eventually { process.standardError.contains("--request-id-headers") }, "stderr: \(process.standardError)")
    }
}
