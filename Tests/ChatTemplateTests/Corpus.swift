import ChatTemplate
import Foundation
import JSON
import TestSupport

/// The differential corpus: real templates fetched by scripts/fetch-chat-templates.sh,
/// the conversations in scripts/chat_template_conversations.json, and what
/// transformers renders for each pair (scripts/chat_template_oracle.py, run once).
enum Corpus {
    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let templatesDirectory: URL = {
        if let root = ProcessInfo.processInfo.environment["SLIME_FIXTURES_DIR"] {
            return URL(fileURLWithPath: root).appendingPathComponent("chat-templates/templates")
        }
        return repository.appendingPathComponent(".fixtures/chat-templates/templates")
    }()

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "no chat templates in \(templatesDirectory.path): run scripts/setup.sh (or scripts/fetch-chat-templates.sh)"
        }
    }

    /// Template file names; a placeholder when the corpus is missing, so the test fails instead of running nothing.
    static let templateNames: [String] = {
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: templatesDirectory.path))?
            .filter { $0.hasSuffix(".jinja") }.sorted() ?? []
        return names.isEmpty ? ["(corpus missing)"] : names
    }()

    static func source(_ name: String) throws -> String {
        let url = templatesDirectory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing() }
        return try String(contentsOf: url, encoding: .utf8)
    }

    struct Conversation {
        let name: String
        let request: JSONValue
    }

    /// Each conversation's request with the shared template kwargs (bos_token, ...) merged in.
    static let conversations: Result<[Conversation], Error> = Result {
        let data = try Data(contentsOf: repository.appendingPathComponent("scripts/chat_template_conversations.json"))
        let file = try JSONParser.parse([UInt8](data))
        let shared = file["template_kwargs"]?.objectMembers ?? []
        return (file["conversations"]?.arrayValue ?? []).map { entry in
            let request = entry["request"]!.objectMembers!
            let merged = shared.filter { kwarg in !request.contains { $0.key == kwarg.key } } + request
            return Conversation(name: entry["name"]!.stringValue!, request: .object(merged))
        }
    }

    /// What transformers does with one template.
    enum Answer {
        case compileError(String)
        case results([Result<String, OracleError>])
    }

    struct OracleError: Error, CustomStringConvertible {
        let description: String
    }

    static let oracle: Result<[String: Answer], Error> = Result {
        var templates: [(name: String, source: String)] = []
        for name in templateNames { templates.append((name, try source(name))) }
        return try transformersAnswers(templates: templates, requests: conversations.get().map(\.request))
    }

    /// What transformers renders for each template (by name) and request.
    static func transformersAnswers(templates: [(name: String, source: String)], requests: [JSONValue]) throws -> [String: Answer] {
        let templates = templates.map { (key: $0.name, value: JSONValue.string($0.source)) }
        let job = JSONValue.object([("templates", .object(templates)), ("requests", .array(requests))])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chat-template-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.json"), output = directory.appendingPathComponent("out.json")
        try Data(job.serialized()).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repository.appendingPathComponent("scripts/chat_template_oracle.py").path, input.path, output.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OracleError(description: "the oracle (\(python)) exited with \(process.terminationStatus)")
        }
        let answers = try JSONParser.parse([UInt8](Data(contentsOf: output)))
        var parsed: [String: Answer] = [:]
        for member in answers.objectMembers ?? [] {
            if let message = member.value["compile_error"]?.stringValue {
                parsed[member.key] = .compileError(message)
            } else {
                parsed[member.key] = .results(
                    (member.value["results"]?.arrayValue ?? []).map { result in
                        if let text = result["text"]?.stringValue { return .success(text) }
                        return .failure(OracleError(description: result["error"]?.stringValue ?? "?"))
                    })
            }
        }
        return parsed
    }

    /// The Python with transformers.
    static let python = ProjectPython.executable
}
