import Foundation
import Testing
import TestSupport

/// The helpers other suites rely on, checked against /bin/sh.
@Suite struct ManagedProcessTests {
    @Test func capturesOutputParsesTheListeningPortAndReportsTheExitStatus() throws {
        let process = try ManagedProcess(
            executable: "/bin/sh",
            arguments: ["-c", "echo \"$GREETING\"; echo 'demo listening on 127.0.0.1:4321'; echo oops >&2; exit 3"],
            environment: ["GREETING": "hello"])
        #expect(try process.waitForListeningPort() == 4321)
        #expect(try process.waitForLine(containing: "hel") == "hello")
        #expect(process.waitForExit(timeout: 20) == 3)
        #expect(eventually { process.standardError == "oops\n" })
    }

    @Test func terminateEndsAProcessThatWouldRunOn() throws {
        let process = try ManagedProcess(executable: "/bin/sleep", arguments: ["600"])
        process.terminate()
        #expect(process.waitForExit(timeout: 0) == 128 + SIGTERM)
    }

    @Test func aLineThatNeverComesFailsOnceStdoutCloses() throws {
        let process = try ManagedProcess(executable: "/bin/sh", arguments: ["-c", "echo nothing here"])
        #expect(throws: TestSupportError.self) { try process.waitForLine(containing: "listening on") }
    }

    @Test func productsDirectoryHoldsTheRunningTestBundle() throws {
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #expect(TestProducts.path(of: (bundle as NSString).lastPathComponent) == bundle)
    }
}
