import ChatTemplate
import Foundation
import JSON
import Testing

/// Model directories as transformers reads them, and requests as
/// `apply_chat_template` takes them.
@Suite struct LoaderTests {
    /// A throwaway model directory holding `files` (relative path → contents).
    final class ModelDirectory {
        let path: String
        init(_ files: [String: String]) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("chat-template-model-\(UUID().uuidString)").path
            for (name, contents) in files {
                let url = URL(fileURLWithPath: path + "/" + name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try contents.write(to: url, atomically: true, encoding: .utf8)
            }
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static let echo =
        "{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}{% if add_generation_prompt %}>{% endif %}"
    let hello = try! JSONParser.parse(#"{"messages": [{"role": "user", "content": "hi"}], "add_generation_prompt": true}"#)

    @Test func templateStringAndSpecialTokensFromTokenizerConfig() throws {
        let config = """
            {"chat_template": \(jsonString(Self.echo)), "bos_token": "<s>",
             "eos_token": {"__type": "AddedToken", "content": "</s>", "special": true}}
            """
        let model = try ModelDirectory(["tokenizer_config.json": config])
        let templates = try ModelDirectoryLoader.load(directory: model.path)
        #expect(try templates.render(request: hello) == "<s>[user:hi]>")
        #expect(templates.specialTokens.map(\.name) == ["bos_token", "eos_token"])
        #expect(templates.specialTokens.map(\.value) == ["<s>", "</s>"])
    }

    @Test func namedTemplatesPickToolUseWhenToolsAreGiven() throws {
        let config =
            #"{"chat_template": [{"name": "default", "template": "plain"}, {"name": "tool_use", "template": "tools:{{ tools|length if tools else 0 }}"}]}"#
        let model = try ModelDirectory(["tokenizer_config.json": config])
        let templates = try ModelDirectoryLoader.load(directory: model.path)
        #expect(try templates.render(request: hello) == "plain")
        let withTools = try JSONParser.parse(#"{"messages": [], "tools": [{"type": "function"}]}"#)
        #expect(try templates.render(request: withTools) == "tools:1")
        let named = try JSONParser.parse(#"{"messages": [], "chat_template": "tool_use"}"#)
        #expect(try templates.render(request: named) == "tools:0")
    }

    @Test func severalTemplatesWithoutDefaultNeedAName() throws {
        let config = #"{"chat_template": [{"name": "a", "template": "A"}, {"name": "b", "template": "B"}]}"#
        let templates = try ModelDirectoryLoader.load(directory: try ModelDirectory(["tokenizer_config.json": config]).path)
        #expect(throws: ChatTemplateRequestError.self) { try templates.render(request: hello) }
    }

    @Test func jinjaFilesTakePriorityOverTheConfig() throws {
        let model = try ModelDirectory([
            "tokenizer_config.json": #"{"chat_template": "from config", "bos_token": "<s>"}"#,
            "chat_template.jinja": "from file {{ bos_token }}\n",
            "additional_chat_templates/rag.jinja": "rag",
        ])
        let templates = try ModelDirectoryLoader.load(directory: model.path)
        #expect(try templates.render(request: hello) == "from file <s>")
        #expect(try templates.render(request: JSONParser.parse(#"{"messages": [], "chat_template": "rag"}"#)) == "rag")
    }

    @Test func templateFileFlagReplacesTheModelsTemplate() throws {
        let model = try ModelDirectory(["tokenizer_config.json": #"{"chat_template": "model"}"#, "override.jinja": "override"])
        let templates = try ModelDirectoryLoader.load(directory: model.path, templateFile: model.path + "/override.jinja")
        #expect(try templates.render(request: hello) == "override")
    }

    @Test func unsupportedSyntaxFailsAtLoadNamingFileLineAndColumn() throws {
        let model = try ModelDirectory(["tokenizer_config.json": #"{"chat_template": "ok\n{% include 'x' %}"}"#])
        let error = #expect(throws: ChatTemplateLoadError.self) { try ModelDirectoryLoader.load(directory: model.path) }
        #expect(error?.description == "tokenizer_config.json: unsupported template construct at line 2, column 4: the 'include' statement")
    }

    @Test func missingOrBrokenFilesAreClearErrors() throws {
        #expect(throws: ChatTemplateLoadError.self) { try ModelDirectoryLoader.load(directory: nil, templateFile: "/nonexistent/t.jinja") }
        let broken = try ModelDirectory(["tokenizer_config.json": "{not json"])
        #expect(throws: ChatTemplateLoadError.self) { try ModelDirectoryLoader.load(directory: broken.path) }
    }

    /// transformers copies reasoning to `reasoning_content` and `thinking`, whatever name it came under.
    @Test func reasoningIsAliasedAsTransformersDoes() throws {
        let templates = ChatTemplates(defaultTemplate: try Template(source: "{% for m in messages %}{{ m|tojson }}{% endfor %}"))
        let request = try JSONParser.parse(#"{"messages": [{"role": "assistant", "content": "x", "reasoning": "r"}]}"#)
        #expect(
            try templates.render(request: request)
                == #"{"thinking": "r", "role": "assistant", "content": "x", "reasoning": "r", "reasoning_content": "r"}"#)
        // As `{"thinking": reasoning, **message, "reasoning_content": reasoning}`: a key keeps its first place and its last value.
        let ownThinking = try JSONParser.parse(#"{"messages": [{"role": "assistant", "reasoning_content": "r", "thinking": "t"}]}"#)
        #expect(try templates.render(request: ownThinking) == #"{"thinking": "t", "role": "assistant", "reasoning_content": "r"}"#)
    }

    @Test func absentToolsAndDocumentsAreNone() throws {
        let templates = ChatTemplates(
            defaultTemplate: try Template(source: "{{ tools is none }} {{ documents is none }} {{ add_generation_prompt }} {{ extra }}"))
        #expect(try templates.render(request: JSONParser.parse(#"{"messages": [], "extra": 5}"#)) == "True True False 5")
    }

    @Test(arguments: [
        #"[]"#, #"{"messages": 3}"#, #"{"messages": [1]}"#, #"{"messages": [], "continue_final_message": true}"#,
        #"{"messages": [{"role": "user", "content": "x", "n": {"big": [123456789012345678901234]}}]}"#,
    ])
    func malformedRequestsAreRefused(json: String) throws {
        let templates = ChatTemplates(defaultTemplate: try Template(source: "x"))
        #expect(throws: ChatTemplateRequestError.self) { try templates.render(request: JSONParser.parse(json)) }
    }

    private func jsonString(_ text: String) -> String {
        var out: [UInt8] = []
        writeJSONString(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
