import Foundation
import Testing
import TestSupport

/// `https://` workers go through libcurl: a generation reaches the worker
/// through TLS and comes back, and a certificate the router was not told to
/// trust is refused rather than used.
@Suite struct TLSWorkerTests {
    @Test func generateReachesAnHTTPSWorkerWhoseAuthorityTheRouterTrusts() throws {
        let mock = try MockWorkerProcess()
        let front = try TLSFront(upstreamPort: mock.port)
        let router = try RouterProcess(workers: [front.url], ["--worker-ca-file", front.certificateFile])

        let response = try router.generate(rid: "over-tls", maxNewTokens: 3)

        #expect(response.status == 200, "\(response.text)")
        #expect(try jsonObject(response)["text"] is String)
        #expect(try mock.rids() == ["over-tls"])
        #expect(try router.workerURLs() == [front.url])
    }

    @Test func aWorkerCertificateFromAnUnknownAuthorityIsRefused() throws {
        let mock = try MockWorkerProcess()
        let front = try TLSFront(upstreamPort: mock.port)
        let router = try RouterProcess(workers: [front.url], ["--retry-attempts", "1"])

        let response = try router.generate(rid: "untrusted", maxNewTokens: 3)

        #expect(response.status == 502, "\(response.text)")
        #expect(try mock.rids().isEmpty)
    }
}
