import Foundation
import Testing
import TestSupport

/// The command line, including the flags users paste from the original.
@Suite struct CommandLineTests {
    @Test func originalFlagsStartTheRouter() throws {
        let mock = try Mock()
        let process = try ManagedProcess(executable: "slime-router", arguments: [
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
        let first = try Mock(), second = try Mock()
        let router = try Router(workers: [first.url, second.url + "/"], ["--policy", "least_inflight"])
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

    @Test(arguments: [["--port", "70000"], ["--log-level", "loud"], ["--no-such-flag"], ["--port", "zero"]])
    func invalidArgumentsExitNonZero(arguments: [String]) throws {
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0"] + arguments)
        let status = try #require(process.waitForExit(timeout: 60))
        #expect(status != 0)
        #expect(!process.standardOutput.contains("listening on"))
        #expect(eventually { !process.standardError.isEmpty })
    }

    @Test func aPortInUseIsAClearError() throws {
        let router = try Router()
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "\(router.port)"])
        let status = try #require(process.waitForExit(timeout: 60))
        #expect(status != 0)
        #expect(eventually { !process.standardError.isEmpty })
        #expect(try router.request("GET", "/health").status == 200)
    }

    @Test func loopCPURunsTheLoopAloneOnItsCPU() throws {
        let allowed = try cpusAllowed(in: "/proc/self/status")
        let cpu = try #require(allowed.max())
        guard allowed.count > 1 else {
            // No CPU would be left for the thread pool: refused, clearly.
            let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0", "--loop-cpu", "\(cpu)"])
            #expect(try #require(process.waitForExit(timeout: 60)) != 0)
            #expect(eventually { process.standardError.contains("--loop-cpu") })
            return
        }
        let router = try Router(workers: [], ["--loop-cpu", "\(cpu)"])
        let pid = router.process.processIdentifier
        let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").compactMap(Int32.init)
        var placements: [Int32: Set<Int>] = [:]
        for thread in threads {
            // A thread may end between the listing and the read.
            placements[thread] = try? cpusAllowed(in: "/proc/\(pid)/task/\(thread)/status")
        }
        // The loop thread is the main thread, alone on its CPU; the pool
        // threads (libuv starts them all at once), the lag probe and the
        // cache writer run everywhere else the process may run.
        #expect(placements[pid] == [cpu])
        let elsewhere = allowed.subtracting([cpu])
        #expect(placements.filter { $0.key != pid }.values.allSatisfy { $0 == elsewhere }, "\(placements)")
        #expect(placements.count >= 6, "loop, four pool threads and the lag probe: \(placements)")
        #expect(try router.request("GET", "/health").status == 200)
    }

    @Test func loopCPUOutsideTheProcessCPUsIsRefused() throws {
        let process = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0", "--loop-cpu", "4096"])
        #expect(try #require(process.waitForExit(timeout: 60)) != 0)
        #expect(eventually { process.standardError.contains("cannot run the event loop alone on CPU 4096") },
                "stderr: \(process.standardError)")
    }

    @Test func mockFlagsAreHonoured() throws {
        let mock = try Mock(["--max-new-tokens", "3", "--weight-version", "12", "--finish-with-stop-token"])
        let router = try Router(mocks: [mock])
        let response = try router.request("POST", "/generate", json: ["text": "hi"])
        let object = try jsonObject(response)
        let meta = object["meta_info"] as? [String: Any]
        #expect((object["output_ids"] as? [Int])?.count == 3)
        #expect(meta?["weight_version"] as? String == "12")
        #expect((meta?["finish_reason"] as? [String: Any])?["type"] as? String == "stop")
    }
}

/// The CPUs a `/proc/.../status` file's `Cpus_allowed_list` names ("0-3,6").
private func cpusAllowed(in statusPath: String) throws -> Set<Int> {
    let status = try String(contentsOfFile: statusPath, encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
    var cpus: Set<Int> = []
    for part in line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces).split(separator: ",") {
        let bounds = part.split(separator: "-").compactMap { Int($0) }
        cpus.formUnion(bounds[0]...(bounds.last ?? bounds[0]))
    }
    return cpus
}
