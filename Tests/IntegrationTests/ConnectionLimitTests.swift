import Foundation
import Testing
import TestSupport

/// `--max-connections`: clients beyond the limit get a quick 503 instead
/// of the router running out of file descriptors; a freed place is taken
/// by the next client.
@Suite struct ConnectionLimitTests {
    @Test func aClientBeyondTheLimitGets503AndTheNextFreePlaceIsServed() throws {
        let router = try RouterProcess(["--max-connections", "2"])
        let first = try RawHTTPConnection(port: router.port)
        try first.sendRequest("GET", path: "/health", headers: [("Connection", "keep-alive")])
        #expect(try first.readResponse().status == 200)
        let second = try RawHTTPConnection(port: router.port)
        try second.sendRequest("GET", path: "/health", headers: [("Connection", "keep-alive")])
        #expect(try second.readResponse().status == 200)

        for _ in 0..<3 {
            let refused = try RawHTTPConnection(port: router.port)
            try refused.sendRequest("GET", path: "/health", headers: [("Connection", "keep-alive")])
            let response = try refused.readResponse()
            #expect(response.status == 503)
            #expect(response.header("Connection") == "close")
            #expect(errorMessage(response)?.contains("connections") == true, "\(response.text)")
            #expect(refused.isClosedByPeer())
        }
        // The two admitted clients are still served.
        try first.sendRequest("GET", path: "/health", headers: [("Connection", "keep-alive")])
        #expect(try first.readResponse().status == 200)

        second.close()
        #expect(eventually { (try? router.request("GET", "/health").status) == 200 })
    }

    @Test func theLimitMustBePositive() throws {
        let process = try ManagedProcess.slimeRouter(["--max-connections", "0"])
        #expect(process.waitForExit(timeout: 20) != 0)
        #expect(process.standardError.contains("--max-connections"))
    }
}
