import Foundation
import Testing
import TestSupport

/// Header fields at the edges of HTTP/1.1 reach the same end on both worker
/// clients: libcurl (https workers) hands the router whole lines, our own
/// client llhttp's pieces, and the router must not tell them apart.
@Suite struct UnusualHeaderFieldsTests {
    /// curl drops a request field written `Name:` (that spelling removes a
    /// field of its own); an empty value is still a value to relay.
    @Test(arguments: WorkerClientKind.allCases)
    func aRequestFieldWithAnEmptyValueReachesTheWorker(client: WorkerClientKind) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(client: client, mocks: [mock])
        let response = try router.request("GET", "/mock/echo", headers: [("X-Empty", ""), ("X-Full", "kept")])
        let echo = try PassThroughTests.Echo(response)
        #expect(echo.values("X-Empty") == [""])
        #expect(echo.values("X-Full") == ["kept"])
    }

    /// An obs-fold continues the field before it (RFC 9112 §5.2): a worker
    /// answer with one is relayed, the fold joined into the value, and the
    /// folded line never becomes a field of its own.
    @Test(arguments: WorkerClientKind.allCases)
    func aFoldedAnswerFieldIsJoinedIntoItsValue(client: WorkerClientKind) throws {
        let worker = try CannedWorker(
            response: "HTTP/1.1 200 OK\r\nX-Folded: first\r\n  second: part\r\nContent-Length: 5\r\n\r\nhello")
        let router = try RouterProcess(client: client, workers: [worker.url], ["--disable-health-check"])
        let response = try router.request("GET", "/folded")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.text == "hello")
        #expect(response.header("X-Folded") == "first  second: part")
        #expect(response.header("  second") == nil && response.header("second") == nil)
    }

    /// A line that is no field (whitespace before the colon, which RFC 9112
    /// §5.1 says to reject) is an unreadable answer: 502, on both clients.
    @Test(
        arguments: WorkerClientKind.allCases,
        [
            "HTTP/1.1 200 OK\r\nX-Spaced : value\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 5\r\n\r\nhello",
        ])
    func anAnswerLineThatIsNoFieldIsRefused(client: WorkerClientKind, answer: String) throws {
        let worker = try CannedWorker(response: answer)
        let router = try RouterProcess(client: client, workers: [worker.url], ["--disable-health-check", "--retry-attempts", "1"])
        let response = try router.request("GET", "/malformed")
        #expect(response.status == 502, "\(response.status) \(response.text)")
    }
}
