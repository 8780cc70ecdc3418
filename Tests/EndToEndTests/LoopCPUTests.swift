import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// `--loop-cpu`: where each of the router's threads may run.
    @Suite struct LoopCPU {
        @Test func theLoopRunsAloneOnItsCPUWithItsProbe() throws {
            let allowed = try cpusAllowed(in: "/proc/self/status")
            let cpu = try #require(allowed.max())
            let arguments = [
                "--port", "0", "--loop-cpu", "\(cpu)", "--middleware", "radix-tree",
                "--hf-checkpoint", try TokenizerFixtures.qwen3Directory(),
            ]
            let process = try ManagedProcess(executable: "slime-router", arguments: arguments)
            guard allowed.count > 1 else {
                // No CPU would be left for background work: refused, clearly.
                #expect(try #require(process.waitForExit(timeout: startupTimeout)) != 0)
                #expect(eventually { process.standardError.contains("--loop-cpu") })
                return
            }
            _ = try process.waitForListeningPort(timeout: startupTimeout)
            let pid = process.processIdentifier
            // The loop (the main thread) shares its CPU only with the lag
            // probe, which measures it from there; the cache writer (slime-writer) and the
            // pool threads (libuv starts them all at once) run everywhere else.
            // Threads name and place themselves as they start, which may be
            // just after the port is announced: read until they all have.
            let elsewhere = allowed.subtracting([cpu])
            var placements: [String: [Set<Int>]] = [:]
            var pool: [Set<Int>] = []
            _ = eventually(timeout: 30) {
                placements = threadPlacements(of: pid)
                pool = Array(placements.filter { !["loop", "slime-lag-probe", "slime-writer"].contains($0.key) }.values.joined())
                return placements["loop"] == [[cpu]] && placements["slime-lag-probe"] == [[cpu]]
                    && placements["slime-writer"] == [elsewhere] && pool.count >= 4 && pool.allSatisfy { $0 == elsewhere }
            }
            #expect(placements["loop"] == [[cpu]], "\(placements)")
            #expect(placements["slime-lag-probe"] == [[cpu]], "\(placements)")
            #expect(placements["slime-writer"] == [elsewhere], "\(placements)")
            #expect(pool.count >= 4 && pool.allSatisfy { $0 == elsewhere }, "libuv's pool: \(placements)")
        }
    }
}

/// Each thread's name (the main thread as "loop") and the CPUs it may run on.
private func threadPlacements(of pid: Int32) -> [String: [Set<Int>]] {
    var placements: [String: [Set<Int>]] = [:]
    let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    for thread in threads.compactMap(Int32.init) {
        // A thread may end between the listing and the reads.
        guard let cpus = try? cpusAllowed(in: "/proc/\(pid)/task/\(thread)/status"),
            let name = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/comm", encoding: .utf8)
        else { continue }
        placements[thread == pid ? "loop" : name.trimmingCharacters(in: .whitespacesAndNewlines), default: []].append(cpus)
    }
    return placements
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
