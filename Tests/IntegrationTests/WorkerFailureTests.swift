import Foundation
import Testing
import TestSupport

/// What a client gets when workers are missing, dead, slow or break off.
@Suite struct WorkerFailureTests {
    @Test(arguments: WorkerClientKind.allCases)
    func noWorkerRegisteredAnswers503WithoutAQueue(client: WorkerClientKind) throws {
        let router = try RouterProcess(client: client, ["--queue-size", "0"])
        let response = try router.generate(rid: "nobody")
        #expect(response.status == 503)
        #expect(errorMessage(response) != nil, "no JSON error: \(response.text)")
        // Any proxied path and method, not just /generate.
        #expect(try router.request("GET", "/get_model_info").status == 503)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aDeadWorkerIsSkipped(client: WorkerClientKind) throws {
        let dead = try RefusingPort()
        let live = try MockWorkerProcess()
        let router = try RouterProcess(client: client, workers: [dead.url, live.url], ["--disable-health-check"])
        for index in 0..<6 {
            let response = try router.generate(rid: "r\(index)")
            #expect(response.status == 200, "\(response.status): \(response.text)")
        }
        #expect(try live.rids() == (0..<6).map { "r\($0)" })
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aDeadWorkerIsSkippedAndTakenOutWithHealthChecksOn(client: WorkerClientKind) throws {
        let dead = try RefusingPort()
        let live = try MockWorkerProcess()
        // Passive failures count: after the threshold the dead worker gets no
        // more attempts (health probes every 60 s, so only the proxy reports).
        let router = try RouterProcess(
            client: client, workers: [dead.url, live.url],
            ["--health-check-interval", "60", "--health-failure-threshold", "2"])
        for index in 0..<6 { #expect(try router.generate(rid: "r\(index)").status == 200) }
        #expect(try live.rids().count == 6)
        let metrics = try router.metrics()
        #expect(metrics.activeWorkers == 1)
        #expect(metrics.totalInFlight == 0)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func everyWorkerDeadAnswers502WithoutAQueue(client: WorkerClientKind) throws {
        let dead = try RefusingPort(), alsoDead = try RefusingPort()
        let router = try RouterProcess(
            client: client, workers: [dead.url, alsoDead.url],
            ["--disable-health-check", "--queue-size", "0"])
        for _ in 0..<3 {
            let response = try router.generate(rid: "x")
            #expect(response.status == 502)
            #expect(errorMessage(response) != nil, "no JSON error: \(response.text)")
        }
        #expect(try router.metrics().totalInFlight == 0)
    }

    /// A worker that aborts every generation beside a dead one: once the
    /// attempts run out the client gets the last answer a worker gave (the
    /// abort), never a 502 for the last refused connection; and going round
    /// again does not spend the attempts on the dead worker.
    @Test(arguments: WorkerClientKind.allCases)
    func theLastAnswerAWorkerGaveGoesBackNotTheLastRefusal(client: WorkerClientKind) throws {
        let dead = try RefusingPort()
        let aborting = try MockWorkerProcess(["--abort-rate", "1.0"])
        let router = try RouterProcess(
            client: client, workers: [dead.url, aborting.url],
            ["--disable-health-check", "--retry-backoff", "0.01"])
        for index in 0..<6 {
            let response = try router.generate(rid: "a\(index)")
            #expect(response.status == 200, "\(response.status): \(response.text)")
            let reason = ((try? jsonObject(response))?["meta_info"] as? [String: Any])?["finish_reason"] as? [String: Any]
            #expect(reason?["type"] as? String == "abort")
        }
        // Five attempts each, at most the first of them spent on the dead worker.
        let attempts = try aborting.rids().count
        #expect(attempts >= 6 * 4 && attempts <= 6 * 5, "\(attempts) attempts reached the live worker")
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aSlowWorkerTimesOutWith504(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock], ["--request-timeout", "1", "--retry-attempts", "1"])
        try mock.configure(["latency_per_token_ms": 100])
        // 1000 tokens at 100 ms: 100 s, far beyond the 1 s limit.
        let response = try router.generate(rid: "slow", maxNewTokens: 1000, timeout: 60)
        #expect(response.status == 504)
        #expect(errorMessage(response) != nil, "no JSON error: \(response.text)")
        // The worker's generation is abandoned, not left running.
        #expect(eventually(timeout: 30) { (try? mock.running()) == 0 })
        #expect(try router.metrics().totalInFlight == 0)
        // A fast request still works within the limit.
        try mock.configure(["latency_per_token_ms": 0])
        #expect(try router.generate(rid: "fast").status == 200)
    }

    @Test(arguments: WorkerClientKind.allCases, [false, true])
    func aDroppedWorkerConnectionAnswers502(client: WorkerClientKind, stream: Bool) throws {
        let mock = try MockWorkerProcess()
        // No health probes: the proxied request is the router's first
        // connection to the mock, so curl cannot retry it on a fresh one.
        // One attempt: a /generate may be sent again after a dropped
        // connection (buffered or streamed), but not with nowhere to go.
        let router = try RouterProcess(client: client, mocks: [mock], ["--disable-health-check", "--retry-attempts", "1"])
        try mock.configure(["drop_next": 1])
        let body = try JSONSerialization.data(withJSONObject: generateBody(rid: "dropped", maxNewTokens: 2, stream: stream))
        let response = try router.request("POST", "/generate", body: Array(body))
        #expect(response.status == 502)
        #expect(errorMessage(response) != nil, "no JSON error: \(response.text)")
        #expect(try mock.rids() == ["dropped"])
        // The router and the worker both keep serving.
        #expect(try router.generate(rid: "next").status == 200)
        #expect(try router.metrics().totalInFlight == 0)
    }

    /// SGLang's server closes keep-alive connections idle for 5 s. The router
    /// keeps watching its pooled connections between requests: one the
    /// worker closed must neither busy the loop nor fail the next request.
    @Test(arguments: WorkerClientKind.allCases)
    func aWorkerClosingIdleConnectionsCostsNothing(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess(["--keep-alive-timeout-ms", "100"])
        let router = try RouterProcess(client: client, mocks: [mock], ["--disable-health-check"])
        for round in 0..<3 {
            #expect(try router.generate(rid: "r\(round)").status == 200)
            let before = try cpuTicks(of: router.process.processIdentifier)
            Thread.sleep(forTimeInterval: 1)  // the mock closes the idle connection meanwhile
            let spent = try cpuTicks(of: router.process.processIdentifier) - before
            // Idle, the router wakes for its lag probe and timers only; a loop
            // spinning on the closed socket would spend the whole second.
            #expect(spent < sysconf(Int32(_SC_CLK_TCK)) / 2, "\(spent) clock ticks in an idle second")
        }
        #expect(try mock.rids() == ["r0", "r1", "r2"])
    }

    /// User plus system CPU time of a process so far, in clock ticks.
    private func cpuTicks(of pid: Int32) throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name, which is in parentheses and may hold spaces.
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        return Int(fields[11])! + Int(fields[12])!
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aFailedGenerateIsRetriedAtAnotherWorker(client: WorkerClientKind) throws {
        let failing = try MockWorkerProcess(), fine = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [failing, fine], ["--disable-health-check", "--retry-backoff", "0.05"])
        try failing.configure(["error_next": 1])
        let response = try router.generate(rid: "again")
        #expect(response.status == 200)
        #expect(try failing.rids() == ["again"])
        #expect(try fine.rids() == ["again"])
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aWorkerThatStopsMidStreamTruncatesTheResponse(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        try mock.configure(["latency_per_token_ms": 100])
        let connection = try router.startGenerate(rid: "cut", maxNewTokens: 10_000, stream: true)
        let head = try connection.readResponseHead(timeout: 60)
        #expect(head.status == 200)
        #expect(try connection.readChunk(timeout: 60) != nil)
        // The worker dies; the client sees the stream end without its last chunk.
        mock.process.send(signal: SIGKILL)
        #expect(throws: (any Error).self) {
            while try connection.readChunk(timeout: 60) != nil {}
        }
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 0 })
        #expect(try router.request("GET", "/health").status == 200)
    }
}
