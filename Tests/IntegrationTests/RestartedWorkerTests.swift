import Foundation
import Testing
import TestSupport

/// The router's only worker is killed (SIGKILL, as a crashed or preempted
/// GPU job) and started again on the same port, as a supervisor does.
/// Requests sent while it is gone wait in the queue and are answered once it
/// is back; none fails. (The dead worker's refusals open its circuit, so the
/// requests go once the breaker lets a probe through: after
/// `--cb-timeout-duration-secs`, shortened here from its 30 s since this
/// worker restarts at once, where a real one loads its weights for minutes.)
@Suite struct RestartedWorkerTests {
    @Test(arguments: WorkerClientKind.allCases)
    func requestsSentWhileTheOnlyWorkerIsDeadAreAnsweredOnceItRestarts(client: WorkerClientKind) throws {
        let first = try MockWorkerProcess()
        let port = first.port
        let router = try RouterProcess(
            client: client, mocks: [first], ["--health-check-interval", "0.5", "--cb-timeout-duration-secs", "2"])
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
