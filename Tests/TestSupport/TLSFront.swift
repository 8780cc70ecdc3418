import Foundation

/// A worker reached over `https://`: a self-signed certificate made for the
/// test by `openssl req`, and `scripts/tls_front.py` terminating TLS with it
/// in front of a plain worker's port.
public final class TLSFront {
    public let process: ManagedProcess
    public let port: Int
    /// The certificate (its own authority), for `--worker-ca-file`.
    public let certificateFile: String
    public var url: String { "https://127.0.0.1:\(port)" }
    private let directory: URL

    public init(upstreamPort: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slime-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificateFile = directory.appendingPathComponent("cert.pem").path
        let keyFile = directory.appendingPathComponent("key.pem").path
        try Self.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", keyFile, "-out", certificateFile,
            ])
        // Tests/RouterTests/Support/TLSFront.swift → the repository root.
        var root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { root = root.deletingLastPathComponent() }  // Tests/TestSupport/TLSFront.swift → the repository root
        process = try ManagedProcess(
            executable: "/usr/bin/python3",
            arguments: [
                root.appendingPathComponent("scripts/tls_front.py").path,
                "--cert", certificateFile, "--key", keyFile, "--upstream-port", String(upstreamPort),
            ])
        port = try process.waitForListeningPort()
    }

    deinit {
        process.terminate()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else {
            throw FixtureError("\(executable) \(arguments.joined(separator: " ")) exited with \(child.terminationStatus)")
        }
    }
}
