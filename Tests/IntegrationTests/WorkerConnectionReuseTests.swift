import Foundation
import Testing
import TestSupport

/// The router keeps its connections to a worker open and reuses them:
/// requests one after another share one, and concurrent requests need no
/// more than there are at once. (Health checks are off: their probes would
/// bring connections of their own.)
@Suite struct WorkerConnectionReuseTests {
    /// Connections `mock` accepted since `baseline` (a `connections_accepted`
    /// reading), not counting the one this reading itself came on. Every
    /// other request to the mock in between would count too.
    func connectionsAccepted(by mock: MockWorkerProcess, since baseline: Int) throws -> Int {
        try #require(try mock.client.stats()["connections_accepted"]) - baseline - 1
    }

    /// `count` generations one after another on one keep-alive connection
    /// to the router at `port`.
    static func generateInTurn(port: Int, count: Int, ridPrefix: String, maxNewTokens: Int = 3) throws {
        let connection = try RawHTTPConnection(port: port)
        for index in 0..<count {
            try connection.sendJSON(
                "POST", "/generate", generateBody(rid: "\(ridPrefix)\(index)", maxNewTokens: maxNewTokens), keepAlive: true)
            let response = try connection.readResponse(timeout: 60)
            guard response.status == 200 else { throw FixtureError("generate answered \(response.status): \(response.text)") }
        }
    }

    @Test(arguments: WorkerClientKind.allCases)
    func sequentialRequestsShareOneWorkerConnection(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock], ["--disable-health-check"])
        let baseline = try #require(try mock.client.stats()["connections_accepted"])
        try Self.generateInTurn(port: router.port, count: 20, ridPrefix: "seq")
        let accepted = try connectionsAccepted(by: mock, since: baseline)
        #expect(accepted == 1, "\(accepted) connections")
        #expect(try mock.rids().count == 20)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func concurrentClientsNeedNoMoreConnectionsThanTheirNumber(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock], ["--disable-health-check"])
        let baseline = try #require(try mock.client.stats()["connections_accepted"])
        let clients = 4, port = router.port
        for result in onThreads(clients, { client in try Self.generateInTurn(port: port, count: 10, ridPrefix: "c\(client)-") }) {
            try result.get()
        }
        let accepted = try connectionsAccepted(by: mock, since: baseline)
        #expect((1...clients).contains(accepted), "\(accepted) connections for \(clients) clients")
        #expect(try mock.rids().count == clients * 10)
    }

    /// `--max-idle-worker-connections` bounds idle connections only: while
    /// more requests run than that, a request that ends leaves its
    /// connection to the next one instead of closing it.
    @Test(arguments: WorkerClientKind.allCases)
    func connectionsInUseDoNotCountAgainstTheIdleLimit(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["latency_per_token_ms": 20])
        let router = try RouterProcess(client: client, mocks: [mock], ["--disable-health-check", "--max-idle-worker-connections", "2"])
        // Four long generations (1,000 tokens, 20 s) hold four connections...
        let long = try (0..<4).map { index in
            let connection = try RawHTTPConnection(port: router.port)
            try connection.sendJSON("POST", "/generate", generateBody(rid: "long\(index)", maxNewTokens: 1000), keepAlive: false)
            return connection
        }
        #expect(eventually(timeout: 30) { (try? mock.running()) == 4 })
        // ...while ten short ones (one token each) go one after another.
        let baseline = try #require(try mock.client.stats()["connections_accepted"])
        try Self.generateInTurn(port: router.port, count: 10, ridPrefix: "short", maxNewTokens: 1)
        let accepted = try connectionsAccepted(by: mock, since: baseline)
        #expect(accepted == 1, "\(accepted) connections for 10 short requests in turn")
        #expect(try mock.running() == 4, "the long generations ended before the short ones: no test")
        for connection in long { connection.close() }
    }

    /// `--max-connections-per-worker`: a request beyond the limit waits for
    /// a connection instead of opening one, and gets the first one freed
    /// (here by a client that left, which closes its unfinished one).
    @Test(arguments: WorkerClientKind.allCases)
    func requestsBeyondTheConnectionLimitWaitForAFreeOne(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["latency_per_token_ms": 20])
        let router = try RouterProcess(client: client, mocks: [mock], ["--disable-health-check", "--max-connections-per-worker", "2"])
        // Three long generations (1,000 tokens, 20 s) for two connections.
        let held = try (0..<3).map { try router.startGenerate(rid: "held\($0)", maxNewTokens: 1000) }
        #expect(eventually(timeout: 30) { (try? mock.running()) == 2 })
        let started = try mock.rids()
        #expect(started.count == 2, "\(started)")
        let leaving = try #require(held.indices.first { started.contains("held\($0)") })
        held[leaving].close()
        #expect(eventually(timeout: 30) { (try? mock.rids().count) == 3 })
        #expect(try mock.running() == 2)
        let waited = try #require(Set(held.indices.map { "held\($0)" }).subtracting(started).first)
        #expect(try mock.rids().last == waited)
        for connection in held { connection.close() }
    }

    /// Health probes do not wait behind the limit: with the only connection
    /// held by a long generation, probes still reach the worker, which
    /// stays in rotation.
    @Test(arguments: WorkerClientKind.allCases)
    func healthProbesAreNotQueuedBehindTheConnectionLimit(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        try mock.configure(["latency_per_token_ms": 20])
        let router = try RouterProcess(
            client: client, mocks: [mock],
            [
                "--max-connections-per-worker", "1", "--health-check-interval", "0.1", "--health-check-timeout", "0.5",
                "--health-failure-threshold", "2",
            ])
        let held = try router.startGenerate(rid: "held", maxNewTokens: 1000)
        #expect(eventually(timeout: 30) { (try? mock.running()) == 1 })
        let probes = try #require(try mock.client.stats()["health_probes"])
        #expect(eventually(timeout: 30) { ((try? mock.client.stats()["health_probes"]) ?? 0) >= probes + 5 })
        #expect(try router.metrics().activeWorkers == 1)
        #expect(try mock.running() == 1, "the generation ended before the probes: no test")
        held.close()
    }
}
