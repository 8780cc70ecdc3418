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

    /// A CI timeout SIGKILLs the test runner: its children must not outlive it
    /// holding ports. A shell stands in for the runner here: it starts a child
    /// as ManagedProcess starts its own, and is SIGKILLed.
    @Test func aChildDiesWithTheProcessThatStartedIt() throws {
        let child = ManagedProcess.diesWithParent(["/bin/sleep", "600"]).joined(separator: " ")
        let runner = try ManagedProcess(executable: "/bin/sh", arguments: ["-c", "\(child) & echo \"child $!\"; wait"])
        let line = try runner.waitForLine(containing: "child ")
        let pid = try #require(Int32(line.split(separator: " ").last ?? ""))
        // Once setpriv has exec'd sleep, the kernel knows to kill it (not before).
        #expect(eventually { (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "sleep\n" })
        runner.send(signal: SIGKILL)
        #expect(eventually { !isRunning(pid) })
    }

    /// Neither gone nor a zombie waiting to be reaped (by whatever adopted it).
    private func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // The state follows the command name in parentheses: "1234 (sleep) S ...".
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        return state != "Z" && state != "X"
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
