import Foundation
import Testing
import TestSupport

/// The router running out of file descriptors is the router's problem, not
/// the worker's: started with a limit of 48 open files and sent 60
/// concurrent generations, it sheds what it cannot connect (503 with
/// Retry-After), logs what ran out, and keeps its one worker healthy, so
/// the next request is served. (Issue 16's wrk story: the worker was marked
/// unhealthy and most requests answered "no worker".)
@Suite struct LocalExhaustionTests {
    @Test func runningOutOfDescriptorsShedsLoadWithoutPoisoningWorkerHealth() throws {
        let mock = try MockWorkerProcess()
        // 20 tokens at 50 ms: every request is still running when the last one arrives.
        try mock.configure(["latency_per_token_ms": 50])
        // `ulimit -n` sets the soft and the hard limit: the router cannot raise it.
        let router = try ManagedProcess(
            executable: "/bin/sh",
            arguments: [
                "-c", #"ulimit -n 48 && exec "$0" "$@""#, TestProducts.path(of: "slime-router"),
                "--port", "0", "--log-level", "info", "--worker-urls", mock.url,
            ])
        let port = try router.waitForListeningPort()

        // Connections first, requests after: the router accepts until its
        // descriptors run out (libuv closes the rest at accept), so each
        // request it then reads needs a worker connection it cannot open,
        // whatever order a busy machine lets it serve them in. (Sent as they
        // connected, a loaded loop could serve the first few before the
        // rest arrived and never run short.)
        let clients = (0..<60).compactMap { _ in try? RawHTTPConnection(port: port) }
        Thread.sleep(forTimeInterval: 2)
        for (index, client) in clients.enumerated() {
            try? client.sendJSON("POST", "/generate", generateBody(rid: "c\(index)", maxNewTokens: 20), keepAlive: false)
        }
        let answered = clients.compactMap { try? $0.readResponse(timeout: 60) }
        for client in clients { client.close() }
        let shed = answered.filter { $0.status == 503 }
        #expect(answered.allSatisfy { $0.status == 200 || $0.status == 503 }, "\(answered.map(\.status))")
        try #require(!shed.isEmpty, "no request was shed: the limit did not bite (\(answered.count) answered)")
        #expect(
            shed.allSatisfy { $0.header("Retry-After") == "1" && $0.text.contains("out of local resources") },
            "\(shed.first?.text ?? "")")

        #expect(eventually { router.standardError.contains("ran out of local resources") }, "stderr: \(router.standardError)")
        #expect(router.standardError.contains("EMFILE"), "stderr: \(router.standardError)")
        #expect(!router.standardError.contains("worker unhealthy"), "stderr: \(router.standardError)")

        // The worker was never blamed: the next request is served, once the
        // router has closed the clients' connections.
        var next: HTTPTestResponse?
        let answeredNext = eventually {
            next = try? httpRequest("POST", port: port, path: "/generate", json: generateBody(rid: "after", maxNewTokens: 2))
            return next != nil
        }
        #expect(answeredNext && next?.status == 200, "\(next?.text ?? "no answer")")
        let workers = try jsonObject(httpRequest("GET", port: port, path: "/workers"))
        let listed = workers["workers"] as? [[String: Any]] ?? []
        #expect(listed.first?["healthy"] as? Bool == true, "\(workers)")
        #expect(listed.first?["errors"] as? Int == 0, "\(workers)")
    }
}
