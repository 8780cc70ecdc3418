import Foundation
import Testing
import TestSupport

/// Relayed requests (every path but a non-streaming `/generate`) that fail
/// at a worker before any of the answer reached the client: when they move
/// to the next worker and when they answer 502.
///
/// The failing worker is registered first and `least-inflight` sends every
/// request to the first of idle workers, so each request meets it first;
/// health checks are off so that they cannot take it out meanwhile.
@Suite struct NextWorkerTests {
    static let failingFirst = ["--disable-health-check", "--policy", "least-inflight"]

    /// Requests of several kinds, all of which should reach the healthy mock.
    private func expectServedByTheMock(
        _ router: RouterProcess, _ mock: MockWorkerProcess, rid: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for _ in 0..<3 {
            let info = try router.request("GET", "/get_model_info")
            #expect(info.status == 200, "GET: \(info.status) \(info.text)", sourceLocation: sourceLocation)
        }
        let streamed = try router.request("POST", "/generate", json: generateBody(rid: rid, maxNewTokens: 3, stream: true))
        #expect(streamed.status == 200, "stream: \(streamed.status) \(streamed.text)", sourceLocation: sourceLocation)
        #expect(streamed.text.contains("data: [DONE]"), "stream: \(streamed.text)", sourceLocation: sourceLocation)
        #expect(try mock.rids() == [rid], sourceLocation: sourceLocation)
    }

    /// When nothing reached the failing worker, even a POST goes on: the
    /// requests above and the POST each moved on once.
    private func expectEveryMethodServedByTheMock(
        _ router: RouterProcess, _ mock: MockWorkerProcess, rid: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try expectServedByTheMock(router, mock, rid: rid, sourceLocation: sourceLocation)
        let echoed = try router.request("POST", "/mock/echo", json: ["once": true])
        #expect(echoed.status == 200, "\(echoed.status): \(echoed.text)", sourceLocation: sourceLocation)
        #expect(try router.metrics().retries == 5, sourceLocation: sourceLocation)
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aRefusingWorkerIsSkippedForEveryMethod(client: WorkerClientKind) throws {
        let refusing = try RefusingPort()
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, workers: [refusing.url, mock.url], Self.failingFirst)
        try expectEveryMethodServedByTheMock(router, mock, rid: "refused")
    }

    @Test(arguments: WorkerClientKind.allCases)
    func aConnectTimeoutMovesToTheNextWorker(client: WorkerClientKind) throws {
        let blackhole = try BlackholePort()
        let mock = try MockWorkerProcess()
        // A request timeout far beyond the test's: only the connect timeout can fire.
        let router = try RouterProcess(
            client: client, workers: [blackhole.url, mock.url],
            Self.failingFirst + ["--connect-timeout", "0.2", "--request-timeout", "3600"])
        try expectEveryMethodServedByTheMock(router, mock, rid: "blackholed")
    }

    /// A connect timeout is a connect failure (502), not a request timeout
    /// (504), for a relayed request and a buffered `/generate` alike. (With
    /// the queue on, a request no worker took waits for one instead.)
    @Test(arguments: WorkerClientKind.allCases)
    func aConnectTimeoutAtTheOnlyWorkerAnswers502WithoutAQueue(client: WorkerClientKind) throws {
        let blackhole = try BlackholePort()
        let router = try RouterProcess(
            client: client, workers: [blackhole.url],
            Self.failingFirst + ["--connect-timeout", "0.2", "--request-timeout", "3600", "--queue-size", "0"])
        let relayed = try router.request("GET", "/get_model_info")
        expectConnectFailure(relayed, timedOut: true)
        // No other worker to go to: nothing was sent again.
        #expect(try router.metrics().retries == 0)
        expectConnectFailure(try router.generate(rid: "nowhere"), timedOut: true)
        #expect(try router.metrics().totalInFlight == 0)
    }

    /// A 502 for a connection never made; for a connect timeout, the
    /// message says so (a blackhole that refused instead would not).
    private func expectConnectFailure(
        _ response: HTTPTestResponse, timedOut: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == 502, "\(response.status): \(response.text)", sourceLocation: sourceLocation)
        let message = errorMessage(response) ?? "no JSON error: \(response.text)"
        #expect(message.hasPrefix("no worker accepted the connection"), "\(message)", sourceLocation: sourceLocation)
        if timedOut { #expect(message.contains("connect timed out"), "\(message)", sourceLocation: sourceLocation) }
    }

    /// The worker reads the request and closes without a word: GET and a
    /// streamed `/generate` may be sent twice, so they go on.
    @Test(arguments: WorkerClientKind.allCases)
    func aDroppedConnectionMovesOnWhenTheRequestMayBeSentTwice(client: WorkerClientKind) throws {
        let dropping = try CannedWorker(response: "")
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, workers: [dropping.url, mock.url], Self.failingFirst)
        try expectServedByTheMock(router, mock, rid: "dropped")
        let put = try router.request("PUT", "/mock/echo", json: ["twice": "fine"])
        #expect(put.status == 200, "\(put.status): \(put.text)")
        #expect(dropping.requestsSeen == 5)
        #expect(try router.metrics().retries == 5)
    }

    /// A POST the worker may have acted on is not sent to another: the
    /// client gets a 502, not the healthy mock's echo.
    @Test(arguments: WorkerClientKind.allCases)
    func aDroppedConnectionAnswers502ForAPostThatMayNotBeSentTwice(client: WorkerClientKind) throws {
        let dropping = try CannedWorker(response: "")
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, workers: [dropping.url, mock.url], Self.failingFirst)
        let response = try router.request("POST", "/mock/echo", json: ["once": "only"])
        #expect(response.status == 502, "\(response.status): \(response.text)")
        #expect(errorMessage(response) != nil, "no JSON error: \(response.text)")
        #expect(dropping.requestsSeen == 1)
        let metrics = try router.metrics()
        #expect(metrics.retries == 0)
        #expect(metrics.totalInFlight == 0)
    }

    /// The worker closes a kept-alive connection just as the router sends
    /// the next request on it (its idle timeout ran out): none of the answer
    /// came, the worker read nothing of it, and the request goes out once
    /// more on a fresh connection to the same worker, a POST too. No other
    /// worker is tried and no retry is counted.
    @Test(arguments: WorkerClientKind.allCases)
    func aPooledConnectionClosedUnderTheNextRequestIsReplacedByAFreshOne(client: WorkerClientKind) throws {
        let worker = try CannedWorker(response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", ending: .atTheNextRequest)
        let router = try RouterProcess(client: client, workers: [worker.url], Self.failingFirst)
        for index in 0..<3 {
            let response = try router.request("POST", "/mock/echo", json: ["index": index])
            #expect(response.status == 200, "\(response.status): \(response.text)")
            #expect(response.text == "ok")
        }
        // The first on a new connection; the others each met a dropped one first.
        #expect(worker.requestsSeen == 5)
        #expect(try router.metrics().retries == 0)
    }
}
