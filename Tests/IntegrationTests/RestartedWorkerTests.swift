import Foundation
import Testing
import TestSupport

/// The router's only worker is killed (SIGKILL, as a crashed or preempted
/// GPU job) and started again on the same port, as a supervisor does.
/// Requests sent while it is gone wait in the queue and are answered once it
/// is back; none fails. The dead worker's refusals open its circuit; its
/// first answered health check half-opens it, so the requests go then, not
/// after the circuit's cool-down (set far beyond the wait here: ten minutes).
/// For a restarted SGLang worker, which loads its weights for minutes, a
/// fixed cool-down is either a pause after it is back or probes while it loads.
@Suite struct RestartedWorkerTests {
    @Test(arguments: WorkerClientKind.allCases)
    func requestsSentWhileTheOnlyWorkerIsDeadAreAnsweredOnceItRestarts(client: WorkerClientKind) throws {
        let first = try MockWorkerProcess()
        let port = first.port
        let router = try RouterProcess(
            client: client, mocks: [first], ["--health-check-interval", "0.5", "--cb-timeout-duration-secs", "600"])
        #expect(try router.generate(rid: "before").status == 200)

        first.process.send(signal: SIGKILL)
        _ = first.process.waitForExit(timeout: 30)
        let statuses = Locked<[Int]>([])
        let clients = Thread {
            let results = onThreads(6) { index in try router.generate(rid: "while-dead-\(index)", timeout: 60).status }
            statuses.value = results.map { (try? $0.get()) ?? -1 }
        }
        clients.start()
        // Each request has found the worker dead and waits.
        #expect(eventually(timeout: 30) { (try? prometheusText(router).contains("slime_router_queue_depth 6")) == true })

        let restarted = try MockWorkerProcess(["--port", "\(port)"])
        #expect(restarted.port == port)
        #expect(eventually(timeout: 60) { statuses.value.count == 6 })
        #expect(statuses.value == Array(repeating: 200, count: 6))
        #expect(Set(try restarted.rids()) == Set((0..<6).map { "while-dead-\($0)" }))
    }

    private func prometheusText(_ router: RouterProcess) throws -> String {
        try router.request("GET", "/metrics", headers: [("Accept", "text/plain")]).text
    }
}
