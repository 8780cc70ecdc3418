import Foundation

/// The Python with the project's PyPI packages (scripts/setup.sh):
/// `$SLIME_PYTHON`, else the repository's `.venv`, else the system's python3.
public enum ProjectPython {
    /// The repository's root (this file is Tests/TestSupport/ProjectPython.swift).
    public static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let executable: String = {
        if let configured = ProcessInfo.processInfo.environment["SLIME_PYTHON"] { return configured }
        let venv = repository.appendingPathComponent(".venv/bin/python3").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return "/usr/bin/python3"
    }()

    /// Runs `script` (a path under the repository) with `input` on its
    /// standard input; returns its standard output, or throws with its
    /// standard error when it fails. Files stand in for pipes, so no output
    /// can fill up and stall it.
    public static func run(script: String, input: [UInt8]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = ["in", "out", "err"].map { directory.appendingPathComponent($0) }
        try Data(input).write(to: files[0])
        for file in files.dropFirst() { try Data().write(to: file) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [repository.appendingPathComponent(script).path]
        process.standardInput = try FileHandle(forReadingFrom: files[0])
        process.standardOutput = try FileHandle(forWritingTo: files[1])
        process.standardError = try FileHandle(forWritingTo: files[2])
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: files[2], encoding: .utf8)) ?? ""
            throw FixtureError("\(executable) \(script) exited \(process.terminationStatus): \(errors)")
        }
        return Array(try Data(contentsOf: files[1]))
    }
}
