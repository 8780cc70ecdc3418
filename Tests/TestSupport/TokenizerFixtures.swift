import Foundation

/// Where scripts/setup.sh (make-tokenizer-fixtures.sh) writes the tokenizer
/// fixtures: `.fixtures/tokenizers` at the repository root, or
/// `$SLIME_FIXTURES_DIR/tokenizers`.
public enum TokenizerFixtures {
    public static let directory: String = {
        if let root = ProcessInfo.processInfo.environment["SLIME_FIXTURES_DIR"], !root.isEmpty { return root + "/tokenizers" }
        // Tests/TestSupport/TokenizerFixtures.swift → the repository root.
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url = url.deletingLastPathComponent() }
        return url.appendingPathComponent(".fixtures/tokenizers").path
    }()

    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "missing tokenizer fixture \(path): run scripts/setup.sh" }
    }

    /// The path of fixture `name` (a directory or file); throws, failing the test, when absent.
    public static func path(_ name: String) throws -> String {
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        return path
    }

    /// The directory of the Qwen3 tokenizer (`tokenizer.json` inside).
    public static func qwen3Directory() throws -> String {
        _ = try path("qwen3/tokenizer.json")
        return directory + "/qwen3"
    }
}
