import Foundation
import Testing
import TestSupport

/// `/workers`: list with state, add, remove, beside the original's endpoints.
@Suite struct WorkersAPITests {
    func encoded(_ url: String) -> String {
        // RFC 3986's unreserved characters stay as they are.
        url.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
    }

    func workers(_ router: RouterProcess, headers: [(String, String)] = []) throws -> [[String: Any]] {
        let response = try router.request("GET", "/workers", headers: headers)
        #expect(response.status == 200, "\(response.text)")
        return try #require(jsonObject(response)["workers"] as? [[String: Any]], "\(response.text)")
    }

    @Test func listShowsEachWorkersState() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock], ["--retry-attempts", "1"])
        let before = try #require(try workers(router).first)
        #expect(before["url"] as? String == mock.url)
        #expect(before["healthy"] as? Bool == true)
        #expect(before["in_flight"] as? Int == 0)
        #expect(before["requests"] as? Int == 0)
        #expect(before["errors"] as? Int == 0)
        #expect(before["weight_version"] is NSNull)

        // A buffered answer, then a streamed one with a newer version.
        try mock.configure(["weight_version": "11"])
        #expect(try router.generate(rid: "a").status == 200)
        #expect(try workers(router)[0]["weight_version"] as? String == "11")
        try mock.configure(["weight_version": "12"])
        let streamed = try router.request("POST", "/generate", json: generateBody(rid: "b", maxNewTokens: 3, stream: true))
        #expect(streamed.status == 200)
        #expect(try workers(router)[0]["weight_version"] as? String == "12")

        // A 5xx counts as an error, a 4xx (the client's mistake) does not.
        try mock.configure(["error_next": 1])
        #expect(try router.generate(rid: "c").status == 500)
        #expect(try router.request("GET", "/no_such_endpoint").status == 404)
        let after = try workers(router)[0]
        #expect(after["requests"] as? Int == 4)
        #expect(after["errors"] as? Int == 1)

        // Held in flight.
        try mock.configure(["latency_per_token_ms": 100])
        let held = try router.startGenerate(rid: "held", maxNewTokens: 10_000)
        #expect(eventually(timeout: 30) { (try? workers(router)[0]["in_flight"] as? Int) == 1 })
        held.close()
        #expect(eventually(timeout: 30) { (try? workers(router)[0]["in_flight"] as? Int) == 0 })
    }

    @Test func connectFailuresCountAsErrors() throws {
        let refusing = try RefusingPort()
        let router = try RouterProcess(workers: ["http://127.0.0.1:\(refusing.port)"], ["--retry-attempts", "1", "--disable-health-check"])
        #expect(try router.generate(rid: "x").status == 502)
        #expect(try workers(router)[0]["errors"] as? Int == 1)
    }

    @Test func addGetAndDelete() throws {
        let router = try RouterProcess()
        let url = "http://127.0.0.1:7201"
        let created = try router.request("POST", "/workers", json: ["url": url + "/"])
        #expect(created.status == 201)
        #expect(created.header("Location") == "/workers/" + encoded(url))
        #expect(try jsonObject(created)["url"] as? String == url)
        #expect(try router.request("POST", "/workers", json: ["url": url]).status == 200)
        #expect(try router.workerURLs() == [url])

        let one = try router.request("GET", "/workers/" + encoded(url))
        #expect(one.status == 200)
        #expect(try jsonObject(one)["requests"] as? Int == 0)

        let deleted = try router.request("DELETE", "/workers/" + encoded(url))
        #expect(deleted.status == 200)
        #expect(try jsonObject(deleted)["url"] as? String == url)
        #expect(try router.workerURLs() == [])
        #expect(try router.request("DELETE", "/workers/" + encoded(url)).status == 404)
        #expect(try router.request("GET", "/workers/" + encoded(url)).status == 404)
    }

    @Test(arguments: [
        ("POST", "/workers", #"{"url": "ftp://h:1"}"#, 400),
        ("POST", "/workers", "not json", 400),
        ("POST", "/workers", "", 400),
        ("DELETE", "/workers/not-a-url", "", 400),
        ("DELETE", "/workers", "", 405),
        ("POST", "/workers/http%3A%2F%2Fh%3A1", "{}", 405),
        ("PUT", "/workers", "{}", 405),
    ])
    func badRequestsGetJSONErrors(method: String, path: String, body: String, status: Int) throws {
        let router = try RouterProcess()
        let response = try router.request(method, path, body: Array(body.utf8))
        #expect(response.status == status)
        #expect(errorMessage(response) != nil, "\(response.text)")
        if status == 405 { #expect(response.header("Allow") != nil) }
        #expect(try router.workerURLs() == [])
    }

    @Test func writesNeedTheAdminKey() throws {
        let router = try RouterProcess(["--api-key", "client", "--admin-api-key", "admin"])
        let client = [("Authorization", "Bearer client")], admin = [("Authorization", "Bearer admin")]
        #expect(try workers(router, headers: client).isEmpty)
        let body = Array(#"{"url": "http://127.0.0.1:7202"}"#.utf8)
        #expect(try router.request("POST", "/workers", headers: client, body: body).status == 401)
        #expect(try router.request("POST", "/workers", headers: admin, body: body).status == 201)
        let path = "/workers/" + encoded("http://127.0.0.1:7202")
        #expect(try router.request("DELETE", path, headers: client).status == 401)
        #expect(try router.request("DELETE", path, headers: admin).status == 200)
    }
}
