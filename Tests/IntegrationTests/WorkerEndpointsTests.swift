import Foundation
import Testing
import TestSupport

/// `/add_worker`, `/list_workers`, `/remove_worker` and the method checks of
/// the router's own routes.
@Suite struct WorkerEndpointsTests {
    /// `{"status": "success", "worker_urls": {url: in_flight}}`.
    func workerURLs(of response: HTTPTestResponse) throws -> [String: Int] {
        let object = try jsonObject(response)
        #expect(object["status"] as? String == "success")
        guard let urls = object["worker_urls"] as? [String: Int] else {
            throw FixtureError("no worker_urls in \(response.text)")
        }
        return urls
    }

    @Test func addWorkerAcceptsEveryWayOfNamingTheURL() throws {
        let router = try RouterProcess()
        #expect(try router.workerURLs() == [])

        let byQuery = try router.request("POST", "/add_worker?url=http://127.0.0.1:7001")
        #expect(byQuery.status == 200)
        #expect(byQuery.header("Content-Type") == "application/json")
        #expect(try workerURLs(of: byQuery) == ["http://127.0.0.1:7001": 0])

        let byWorkerURLQuery = try router.request("POST", "/add_worker?worker_url=http%3A%2F%2F127.0.0.1%3A7002")
        #expect(byWorkerURLQuery.status == 200)
        #expect(try workerURLs(of: byWorkerURLQuery) == ["http://127.0.0.1:7001": 0, "http://127.0.0.1:7002": 0])

        let byJSON = try router.request("POST", "/add_worker", json: ["url": "http://127.0.0.1:7003"])
        #expect(byJSON.status == 200)
        let byWorkerURLJSON = try router.request("POST", "/add_worker", json: ["worker_url": "https://worker.example:8443"])
        #expect(byWorkerURLJSON.status == 200)
        #expect(
            try workerURLs(of: byWorkerURLJSON).keys.sorted() == [
                "http://127.0.0.1:7001", "http://127.0.0.1:7002", "http://127.0.0.1:7003", "https://worker.example:8443",
            ])

        // Registration order is kept.
        #expect(
            try router.workerURLs() == [
                "http://127.0.0.1:7001", "http://127.0.0.1:7002", "http://127.0.0.1:7003", "https://worker.example:8443",
            ])
    }

    @Test func addWorkerIsIdempotent() throws {
        let router = try RouterProcess()
        for _ in 0..<2 {
            let response = try router.request("POST", "/add_worker?url=http://127.0.0.1:7010")
            #expect(response.status == 200)
            #expect(try workerURLs(of: response) == ["http://127.0.0.1:7010": 0])
        }
        // The same worker spelled with a trailing slash, through the body.
        let again = try router.request("POST", "/add_worker", json: ["url": "http://127.0.0.1:7010/"])
        #expect(again.status == 200)
        #expect(try router.workerURLs() == ["http://127.0.0.1:7010"])
    }

    @Test(arguments: [
        ("/add_worker", ""),  // nothing at all
        ("/add_worker", "{}"),  // no url key
        ("/add_worker", "not json"),  // body not JSON
        ("/add_worker", #"{"url": "http://127.0.0.1:1""#),  // truncated JSON
        ("/add_worker", #"["http://127.0.0.1:1"]"#),  // not an object
        ("/add_worker", #"{"url": 8000}"#),  // wrong type
        ("/add_worker", #"{"worker_url": null}"#),  // wrong type
        ("/add_worker", #"{"url": "ftp://127.0.0.1:21"}"#),  // not http(s)
        ("/add_worker", #"{"url": "127.0.0.1:8000"}"#),  // no scheme
        ("/add_worker", #"{"url": "http://"}"#),  // no host
        ("/add_worker?url=", ""),  // empty query value
        ("/add_worker?url=ftp://x", ""),  // not http(s), by query
        ("/add_worker?worker_url=localhost:8000", ""),  // no scheme, by query
    ])
    func addWorkerRefusesBadInputWithAJSONError(path: String, body: String) throws {
        let router = try RouterProcess()
        let response = try router.request("POST", path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        #expect(response.status == 400)
        let message = errorMessage(response)
        #expect(message != nil, "no JSON error: \(response.text)")
        #expect(message?.isEmpty == false)
        #expect(try router.workerURLs() == [])
    }

    @Test func removeWorker() throws {
        let router = try RouterProcess(workers: ["http://127.0.0.1:7020", "http://127.0.0.1:7021"])
        #expect(try router.workerURLs() == ["http://127.0.0.1:7020", "http://127.0.0.1:7021"])

        let removed = try router.request("POST", "/remove_worker?url=http://127.0.0.1:7020")
        #expect(removed.status == 200)
        #expect(try workerURLs(of: removed) == ["http://127.0.0.1:7021": 0])
        #expect(try router.workerURLs() == ["http://127.0.0.1:7021"])

        let unknown = try router.request("POST", "/remove_worker?url=http://127.0.0.1:7020")
        #expect(unknown.status == 404)
        #expect(errorMessage(unknown) != nil)

        let missing = try router.request("POST", "/remove_worker")
        #expect(missing.status == 400)
        #expect(errorMessage(missing) != nil)

        let byDelete = try router.request("DELETE", "/remove_worker?url=http://127.0.0.1:7021")
        #expect(byDelete.status == 200)
        #expect(try router.workerURLs() == [])

        // Added again after removal, it is a fresh registration.
        #expect(try router.request("POST", "/add_worker?url=http://127.0.0.1:7020").status == 200)
        #expect(try router.workerURLs() == ["http://127.0.0.1:7020"])
    }

    @Test(arguments: [
        ("GET", "/add_worker", "POST"),
        ("PUT", "/add_worker", "POST"),
        ("GET", "/remove_worker", "POST, DELETE"),
        ("POST", "/list_workers", "GET, HEAD"),
        ("DELETE", "/metrics", "GET, HEAD"),
        ("POST", "/health", "GET, HEAD"),
        ("PUT", "/liveness", "GET, HEAD"),
        ("POST", "/readiness", "GET, HEAD"),
    ])
    func wrongMethodOnOwnRouteAnswers405WithAllow(method: String, path: String, allow: String) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        let response = try router.request(method, path)
        #expect(response.status == 405)
        #expect(response.header("Allow") == allow)
        #expect(errorMessage(response) != nil)
        // Not proxied: the worker saw nothing.
        #expect(try mock.requests().isEmpty)
    }

    @Test func healthLivenessAndReadiness() throws {
        let empty = try RouterProcess()
        #expect(try empty.request("GET", "/health").status == 200)
        #expect(try empty.request("GET", "/liveness").status == 200)
        let notReady = try empty.request("GET", "/readiness")
        #expect(notReady.status == 503)
        #expect(try jsonObject(notReady)["healthy_workers"] as? Int == 0)

        #expect(try empty.request("POST", "/add_worker?url=http://127.0.0.1:7030").status == 200)
        let ready = try empty.request("GET", "/readiness")
        #expect(ready.status == 200)
        #expect(try jsonObject(ready)["healthy_workers"] as? Int == 1)
    }
}
