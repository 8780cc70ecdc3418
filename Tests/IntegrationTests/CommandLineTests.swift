import Foundation
import Testing
import TestSupport

/// The command line, including the flags users paste from the original.
@Suite struct CommandLineTests {
    @Test func originalFlagsStartTheRouter() throws {
        let mock = try MockWorkerProcess()
        let process = try ManagedProcess(
            executable: "slime-router",
            arguments: [
                "--sglang-router-ip", "127.0.0.1", "--sglang-router-port", "0", "--worker-urls", mock.url,
                "--log-level", "warning",
            ])
        let line = try process.waitForLine(containing: "listening on")
        #expect(line.hasPrefix("slime-router listening on 127.0.0.1:"))
        let port = try process.waitForListeningPort()
        #expect(port > 0)
        #expect(try httpRequest("GET", port: port, path: "/health").status == 200)
        let list = try jsonObject(httpRequest("GET", port: port, path: "/list_workers"))
        #expect(list["urls"] as? [String] == [mock.url])
        #expect(try httpRequest("POST", port: port, path: "/generate", json: generateBody(rid: "x", maxNewTokens: 2)).status == 200)
    }

    @Test func severalWorkerURLsAndSGLangPolicySpelling() throws {
        let first = try MockWorkerProcess(), second = try MockWorkerProcess()
        let router = try RouterProcess(workers: [first.url, second.url + "/"], ["--policy", "least_inflight"])
        #expect(try router.workerURLs() == [first.url, second.url])
    }

    @Test func unknownPolicyExitsNonZeroWithAClearMessage() throws {
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0", "--policy", "fastest"])
        let status = try #require(process.waitForExit(timeout: 60))
        #expect(status != 0)
        #expect(eventually { process.standardError.contains("unknown policy 'fastest'") }, "stderr: \(process.standardError)")
        #expect(process.standardError.contains("round-robin"))
        #expect(!process.standardOutput.contains("listening on"))
    }

    @Test(arguments: ["cache-aware", "round-robin"])
    func aCacheAwareFallbackIsRefusedWithAClearMessage(policy: String) throws {
        let process = try ManagedProcess(
            executable: "slime-router",
            arguments: [
                "--port", "0", "--policy", policy, "--fallback-policy", "cache_aware",
            ])
        let status = try #require(process.waitForExit(timeout: 60))
        #expect(status != 0)
        #expect(
            eventually { process.standardError.contains("the fallback policy cannot be cache-aware") },
            "stderr: \(process.standardError)")
        #expect(!process.standardOutput.contains("listening on"))
    }

    @Test(arguments: [
        ["--port", "70000"], ["--log-level", "loud"], ["--no-such-flag"], ["--port", "zero"],
        ["--max-connections-per-worker", "-1"], ["--worker-client", "telnet"],
    ])
    func invalidArgumentsExitNonZero(arguments: [String]) throws {
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0"] + arguments)
        let status = try #require(process.waitForExit(timeout: 60))
        #expect(status != 0)
        #expect(!process.standardOutput.contains("listening on"))
        #expect(eventually { !process.standardError.isEmpty })
    }

    @Test func aPortInUseIsAClearError() throws {
        let router = try RouterProcess()
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "\(router.port)"])
        let status = try #require(process.waitForExit(timeout: 60))
        #expect(status != 0)
        #expect(eventually { !process.standardError.isEmpty })
        #expect(try router.request("GET", "/health").status == 200)
    }

    @Test func loopCPUOutsideTheProcessCPUsIsRefused() throws {
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0", "--loop-cpu", "4096"])
        #expect(try #require(process.waitForExit(timeout: 60)) != 0)
        #expect(
            eventually { process.standardError.contains("cannot run the event loop alone on CPU 4096") },
            "stderr: \(process.standardError)")
    }

    @Test func mockFlagsAreHonoured() throws {
        let mock = try MockWorkerProcess(["--max-new-tokens", "3", "--weight-version", "12", "--finish-with-stop-token"])
        let router = try RouterProcess(mocks: [mock])
        let response = try router.request("POST", "/generate", json: ["text": "hi"])
        let object = try jsonObject(response)
        let meta = object["meta_info"] as? [String: Any]
        #expect((object["output_ids"] as? [Int])?.count == 3)
        #expect(meta?["weight_version"] as? String == "12")
        #expect((meta?["finish_reason"] as? [String: Any])?["type"] as? String == "stop")
    }
}

/// The retry, circuit breaker and queue flags: bad values stop the start with a
/// message naming the flag; the original's `--retry-backoff` still names the
/// initial wait.
@Suite struct RetryFlagsTests {
    @Test(arguments: [
        (["--retry-jitter", "1.5"], "--retry-jitter"),
        (["--retry-backoff-multiplier", "0.5"], "--retry-backoff-multiplier"),
        (["--retry-initial-backoff", "-1"], "--retry-initial-backoff"),
        (["--retry-initial-backoff", "5", "--retry-max-backoff", "1"], "--retry-max-backoff"),
        (["--retry-attempts", "0"], "--retry-attempts"),
        (["--cb-failure-threshold", "0"], "--cb-failure-threshold"),
        (["--cb-timeout-duration-secs", "0"], "--cb-timeout-duration-secs"),
        (["--max-concurrent-requests", "0"], "--max-concurrent-requests"),
        (["--queue-size", "-1"], "--queue-size"),
        (["--queue-timeout", "0"], "--queue-timeout"),
        (["--event-loop-lag-interval-ms", "-1"], "--event-loop-lag-interval-ms"),
        // Its nanoseconds overflowed: the router crashed once listening.
        (["--event-loop-lag-interval-ms", "99999999999999999"], "--event-loop-lag-interval-ms"),
        (["--event-loop-lag-interval-ms", "1001"], "--event-loop-lag-interval-ms"),
    ])
    func badRetryFlagsAreRefused(arguments: [String], flag: String) throws {
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0"] + arguments)
        #expect(process.waitForExit(timeout: 20) != 0)
        // The exit can be seen before the capture thread has read all of stderr.
        #expect(eventually { process.standardError.contains(flag) }, "stderr: \(process.standardError)")
    }

    @Test func theOriginalBackoffFlagAndTheNewOnesStartTheRouter() throws {
        for arguments in [
            ["--retry-backoff", "0.5"],
            [
                "--retry-initial-backoff", "0.1", "--retry-max-backoff", "2", "--retry-backoff-multiplier", "3",
                "--retry-jitter", "0.25",
            ],
        ] {
            let router = try RouterProcess(arguments)
            #expect(try router.request("GET", "/health").status == 200)
        }
    }
}
