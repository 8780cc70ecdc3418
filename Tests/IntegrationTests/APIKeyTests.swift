import Foundation
import Testing
import TestSupport

/// `--api-key` and `--admin-api-key` on a running router, the keys given
/// on the command line or in the environment.
@Suite struct APIKeyTests {
    /// A router in front of `mock` with `environment` added to its own; it
    /// stops when the returned process is released.
    func router(_ mock: MockWorkerProcess?, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> (ManagedProcess, Int)
    {
        var all = ["--port", "0", "--log-level", "warning"] + arguments
        if let mock { all += ["--worker-urls", mock.url] }
        let process = try ManagedProcess(executable: "slime-router", arguments: all, environment: environment)
        return (process, try process.waitForListeningPort())
    }

    func bearer(_ key: String) -> [(String, String)] { [("Authorization", "Bearer \(key)")] }

    @Test func keysFromTheEnvironmentGuardEveryRouteButProbes() throws {
        let mock = try MockWorkerProcess()
        let (process, port) = try router(
            mock,
            environment: [
                "SLIME_ROUTER_API_KEY": "client-secret",
                "SLIME_ROUTER_ADMIN_API_KEY": "admin-secret",
            ])
        let generate = Array(#"{"text": "Hi", "sampling_params": {"max_new_tokens": 2}}"#.utf8)

        let refused = try httpRequest("POST", port: port, path: "/generate", body: generate)
        #expect(refused.status == 401)
        #expect(refused.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(errorMessage(refused) != nil)
        #expect(try httpRequest("POST", port: port, path: "/generate", headers: bearer("wrong"), body: generate).status == 401)
        #expect(try httpRequest("POST", port: port, path: "/generate", headers: bearer("client-secret"), body: generate).status == 200)
        // Nothing refused reached the worker.
        #expect(try mock.requests().count == 1)

        for probe in ["/health", "/liveness", "/readiness"] {
            #expect(try httpRequest("GET", port: port, path: probe).status == 200, "\(probe)")
        }
        #expect(try httpRequest("GET", port: port, path: "/metrics").status == 401)
        #expect(try httpRequest("GET", port: port, path: "/metrics", headers: bearer("client-secret")).status == 200)
        // A proxied path other than /generate.
        #expect(try httpRequest("GET", port: port, path: "/get_model_info").status == 401)
        #expect(try httpRequest("GET", port: port, path: "/get_model_info", headers: bearer("admin-secret")).status == 200)

        // Worker management: the admin key only.
        let add = "/add_worker?url=http://127.0.0.1:7101"
        #expect(try httpRequest("POST", port: port, path: add, headers: bearer("client-secret")).status == 401)
        #expect(try httpRequest("POST", port: port, path: add, headers: bearer("admin-secret")).status == 200)
        #expect(try httpRequest("POST", port: port, path: "/flush_cache", headers: bearer("client-secret")).status == 401)
        #expect(try httpRequest("POST", port: port, path: "/flush_cache", headers: bearer("admin-secret")).status == 200)
        let list = try jsonObject(httpRequest("GET", port: port, path: "/list_workers", headers: bearer("client-secret")))
        #expect(list["urls"] as? [String] == [mock.url, "http://127.0.0.1:7101"])

        // Refusals are counted, by route.
        let metrics = try httpRequest("GET", port: port, path: "/metrics?format=prometheus", headers: bearer("client-secret")).text
        #expect(metrics.contains(#"slime_router_unauthorized_requests_total{route="generate"} 2"#), "\(metrics.prefix(3000))")
        #expect(metrics.contains(#"slime_router_unauthorized_requests_total{route="add_worker"} 1"#))
        withExtendedLifetime(process) {}
    }

    @Test func flagsWork() throws {
        let (process, port) = try router(nil, ["--api-key", "k1", "--admin-api-key", "k2"])
        #expect(try httpRequest("GET", port: port, path: "/list_workers").status == 401)
        #expect(try httpRequest("GET", port: port, path: "/list_workers", headers: bearer("k1")).status == 200)
        #expect(try httpRequest("POST", port: port, path: "/remove_worker?url=http://127.0.0.1:1", headers: bearer("k1")).status == 401)
        #expect(try httpRequest("POST", port: port, path: "/remove_worker?url=http://127.0.0.1:1", headers: bearer("k2")).status == 404)
        withExtendedLifetime(process) {}
    }

    @Test(arguments: [["--api-key", ""], ["--admin-api-key", "has space"], ["--api-key", "tab\tkey"]])
    func unusableKeysAreRefusedAtStart(arguments: [String]) throws {
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0"] + arguments)
        let status = try #require(process.waitForExit(timeout: 60))
        #expect(status != 0)
        #expect(eventually { process.standardError.contains("printable ASCII") }, "stderr: \(process.standardError)")
    }

    @Test func anEmptyKeyInTheEnvironmentIsRefusedToo() throws {
        let process = try ManagedProcess(
            executable: "slime-router", arguments: ["--port", "0"],
            environment: ["SLIME_ROUTER_API_KEY": ""])
        #expect(try #require(process.waitForExit(timeout: 60)) != 0)
        #expect(eventually { process.standardError.contains("SLIME_ROUTER_API_KEY") }, "stderr: \(process.standardError)")
    }

    /// Listening beyond loopback without a key warns at start; on loopback,
    /// or with a key, it does not.
    @Test func warnsWhenOpenBeyondLoopback() throws {
        let (open, openPort) = try router(nil, ["--host", "0.0.0.0"])
        #expect(try httpRequest("GET", port: openPort, path: "/health").status == 200)
        #expect(eventually(timeout: 30) { open.standardError.contains("no --api-key") }, "stderr: \(open.standardError)")

        let (keyed, keyedPort) = try router(nil, ["--host", "0.0.0.0", "--api-key", "k"])
        let (loopback, loopbackPort) = try router(nil)
        // The warning would be written before the port line; the probes make sure start-up is over.
        #expect(try httpRequest("GET", port: keyedPort, path: "/health").status == 200)
        #expect(try httpRequest("GET", port: loopbackPort, path: "/health").status == 200)
        #expect(!keyed.standardError.contains("no --api-key"))
        #expect(!loopback.standardError.contains("no --api-key"))
    }

    /// A request without its key is refused at its head: the router does not
    /// wait for (or read) a body it will not serve, here a declared 100 MB
    /// that never comes. The 401 echoes the request id, and the connection
    /// closes, since the unread body cannot be skipped.
    @Test func aRequestWithoutItsKeyIsRefusedBeforeItsBody() throws {
        let (process, port) = try router(nil, ["--api-key", "k", "--max-body-size", "200000000"])
        let connection = try RawHTTPConnection(port: port)
        try connection.send(
            "POST /generate HTTP/1.1\r\nHost: x\r\nX-Request-ID: early-401\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000000\r\n\r\n{\"text\": ")
        let answer = String(decoding: try connection.readUntilClosed(timeout: 30), as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 401 "), "\(answer)")
        #expect(answer.lowercased().contains("x-request-id: early-401"), "\(answer)")
        #expect(answer.lowercased().contains("connection: close"), "\(answer)")
        #expect(try httpRequest("GET", port: port, path: "/health").status == 200)
        _ = process
    }

    /// With keys, each request's route is found at its head and goes with
    /// that request to the handler: on one pipelined connection, a proxied
    /// path, a probe, the router's own route and the workers API are each
    /// served as themselves.
    @Test func pipelinedRequestsEachGoTheirOwnRoute() throws {
        let mock = try MockWorkerProcess()
        let (process, port) = try router(mock, ["--api-key", "k"])
        let connection = try RawHTTPConnection(port: port)
        let key = "Authorization: Bearer k\r\n"
        try connection.send(
            "GET /get_model_info HTTP/1.1\r\nHost: x\r\n\(key)\r\n" + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /list_workers HTTP/1.1\r\nHost: x\r\n\(key)\r\n" + "GET /workers HTTP/1.1\r\nHost: x\r\n\(key)\r\n")
        let proxied = try connection.readResponse()
        #expect(proxied.status == 200, "\(proxied.text)")
        #expect(proxied.text.contains("model_path"), "\(proxied.text)")
        #expect(try connection.readResponse().text == #"{"status":"ok"}"#)
        let list = try connection.readResponse().text
        #expect(list.contains(#""urls""#) && list.contains(mock.url), "\(list)")
        let workers = try connection.readResponse().text
        #expect(workers.contains(#""workers""#) && workers.contains(mock.url), "\(workers)")
        withExtendedLifetime(process) {}
    }
}
