import Foundation
import Testing
import TestSupport

/// Waiting instead of failing: with the default queue, requests that find no
/// worker wait for one. Every worker is taken away for two seconds under steady
/// load (as when all restart, or pause for a weight update) and no request
/// fails; those sent meanwhile go once the workers are back.
@Suite struct WaitingForWorkersTests {
    private func encoded(_ url: String) -> String {
        url.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
    }

    @Test func takingEveryWorkerAwayUnderSteadyLoadFailsNoRequest() throws {
        let mocks = try [MockWorkerProcess(), MockWorkerProcess()]
        // The defaults, as a user starts it (a queue of 4096, 60 s).
        let router = try RouterProcess(mocks: mocks)
        let phase = Locked("before")
        let sentWhileAway = Locked(0)

        let results = Locked<[[Int]]>([])
        let finished = DispatchSemaphore(value: 0)
        let runner = Thread {
            let statuses = onThreads(8) { client -> [Int] in
                var statuses: [Int] = []
                var index = 0
                while phase.value != "done" {
                    if phase.value == "away" { sentWhileAway.withLock { $0 += 1 } }
                    statuses.append((try? router.generate(rid: "c\(client)-\(index)", timeout: 60).status) ?? -1)
                    index += 1
                }
                return statuses
            }
            results.value = statuses.map { (try? $0.get()) ?? [-2] }
            finished.signal()
        }
        runner.start()

        Thread.sleep(forTimeInterval: 0.5)
        phase.value = "away"
        for mock in mocks { #expect(try router.request("DELETE", "/workers/" + encoded(mock.url)).status == 200) }
        Thread.sleep(forTimeInterval: 2)
        for mock in mocks { #expect(try router.request("POST", "/workers", json: ["url": mock.url]).status == 201) }
        phase.value = "back"
        Thread.sleep(forTimeInterval: 0.5)
        phase.value = "done"
        finished.wait()

        let statuses = results.value.flatMap { $0 }
        #expect(sentWhileAway.value > 0, "no request was sent while the workers were away")
        #expect(statuses.allSatisfy { $0 == 200 }, "failed: \(statuses.filter { $0 != 200 })")
        #expect(statuses.count > 8)

        // The waits are counted, and nobody waits any more.
        let text = try router.request("GET", "/metrics", headers: [("Accept", "text/plain")]).text
        let waitsLine = text.split(separator: "\n").first { $0.hasPrefix("slime_router_queue_wait_seconds_count") } ?? ""
        let waits = Double(waitsLine.split(separator: " ").last ?? "") ?? 0
        #expect(waits > 0, "\(waitsLine)")
        #expect(text.contains("slime_router_queue_depth 0"), "\(text.prefix(2000))")
    }
}
