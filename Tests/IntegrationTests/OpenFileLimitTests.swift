import Foundation
import Testing
import TestSupport

/// The router raises its soft limit on open files to the hard limit at
/// start: started at a soft limit of 64, it still serves 100 concurrent
/// requests, which hold 100 client and up to 100 worker connections.
@Suite struct OpenFileLimitTests {
    @Test func aLowSoftLimitIsRaisedSoManyConcurrentRequestsFit() throws {
        var limit = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        try #require(limit.rlim_max >= 1024, "this machine's hard limit on open files (\(limit.rlim_max)) is too low to show it")

        let mock = try MockWorkerProcess()
        // 20 tokens at 50 ms: every request is still running when the last one arrives.
        try mock.configure(["latency_per_token_ms": 50])
        let router = try ManagedProcess(
            executable: "/bin/sh",
            arguments: [
                "-c", #"ulimit -S -n 64 && exec "$0" "$@""#, TestProducts.path(of: "slime-router"),
                "--port", "0", "--log-level", "info", "--worker-urls", mock.url, "--disable-health-check",
            ])
        let port = try router.waitForListeningPort()
        #expect(eventually { router.standardError.contains("open-file limit raised") }, "stderr: \(router.standardError)")
        #expect(router.standardError.contains("from=64"), "stderr: \(router.standardError)")

        let statuses = onThreads(100) { index -> Int in
            let body = try JSONSerialization.data(withJSONObject: generateBody(rid: "c\(index)", maxNewTokens: 20))
            return try httpRequest(
                "POST", port: port, path: "/generate",
                headers: [("Content-Type", "application/json")], body: Array(body), timeout: 60
            ).status
        }
        let failures = statuses.filter { (try? $0.get()) != 200 }
        #expect(failures.isEmpty, "\(failures.count) of 100 failed, e.g. \(failures.prefix(3))")
        #expect(try mock.rids().count == 100)
    }
}
