import Foundation
import JSON
import Testing
import TestSupport

/// `slime-router chat-template` and the router's `--chat-template` flag, as real processes.
@Suite struct ChatTemplateCommandTests {
    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs slime-router with `input` on stdin until it exits.
    func slimeRouter(_ arguments: [String], input: String) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestProducts.path(of: "slime-router"))
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        (process.standardInput, process.standardOutput, process.standardError) = (stdin, stdout, stderr)
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            errors: String(decoding: errors, as: UTF8.self))
    }

    let conversation =
        #"{"messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}], "add_generation_prompt": true}"#

    @Test func rendersTheRequestOnStdin() throws {
        let model = try LoaderTests.ModelDirectory([
            "tokenizer_config.json":
                #"{"chat_template": "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}", "bos_token": "<s>"}"#
        ])
        let run = try slimeRouter(["chat-template", "--model", model.path], input: conversation)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output == "<s><system>sys<user>hi<assistant>")
    }

    @Test func idsModeTokenizesAndLocatesEachMessage() throws {
        let tokenizer = Corpus.repository.appendingPathComponent(".fixtures/tokenizers/qwen3/tokenizer.json").path
        let fixtures =
            ProcessInfo.processInfo.environment["SLIME_FIXTURES_DIR"].map { $0 + "/tokenizers/qwen3/tokenizer.json" } ?? tokenizer
        let model = try LoaderTests.ModelDirectory([
            "tokenizer.json": try String(contentsOfFile: fixtures, encoding: .utf8),
            "chat_template.jinja": "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}",
        ])
        let run = try slimeRouter(["chat-template", "--model", model.path, "--ids"], input: conversation)
        #expect(run.status == 0, "\(run.errors)")
        let report = try JSONParser.parse(run.output)
        let ids = try #require(report["input_ids"]?.arrayValue?.compactMap { $0.intValue })
        // <|im_start|> system \n sys <|im_end|> \n <|im_start|> user \n hi <|im_end|> \n
        #expect(ids == [151644, 8948, 198, 7791, 151645, 198, 151644, 872, 198, 6023, 151645, 198])
        let messages = try #require(report["messages"]?.arrayValue)
        #expect(messages.map { $0["bytes"]?.arrayValue?.compactMap { $0.intValue } } == [[0, 33], [33, 63]])
        #expect(messages.map { $0["tokens"]?.arrayValue?.compactMap { $0.intValue } } == [[0, 6], [6, 12]])
        #expect(messages.map { $0["role"]?.stringValue } == ["system", "user"])
    }

    @Test func unsupportedTemplateFailsNamingTheFileAndPlace() throws {
        let model = try LoaderTests.ModelDirectory(["chat_template.jinja": "fine\n  {{ x|wordcount }}"])
        let run = try slimeRouter(["chat-template", "--model", model.path], input: conversation)
        #expect(run.status != 0)
        #expect(
            run.errors.contains("chat_template.jinja: unsupported template construct at line 2, column 8: the filter 'wordcount'"),
            "\(run.errors)")
        #expect(run.output.isEmpty)
    }

    @Test(arguments: ["not json", #"{"messages": "no"}"#])
    func badRequestsAreClearErrors(input: String) throws {
        let model = try LoaderTests.ModelDirectory(["chat_template.jinja": "x"])
        let run = try slimeRouter(["chat-template", "--model", model.path], input: input)
        #expect(run.status != 0)
        #expect(!run.errors.isEmpty)
    }

    @Test func templateErrorsWhileRenderingAreReported() throws {
        let model = try LoaderTests.ModelDirectory(["chat_template.jinja": "{{ raise_exception('roles must alternate') }}"])
        let run = try slimeRouter(["chat-template", "--model", model.path], input: conversation)
        #expect(run.status != 0)
        #expect(run.errors.contains("roles must alternate"), "\(run.errors)")
    }

    @Test func routerChecksItsChatTemplateAtStart() throws {
        let model = try LoaderTests.ModelDirectory(["good.jinja": "{{ messages|length }}", "bad.jinja": "{% include 'x' %}"])
        let bad = try ManagedProcess(executable: "slime-router", arguments: ["--port", "0", "--chat-template", model.path + "/bad.jinja"])
        let status = try #require(bad.waitForExit(timeout: 60))
        #expect(status != 0)
        #expect(eventually { bad.standardError.contains("the 'include' statement") }, "stderr: \(bad.standardError)")
        #expect(!bad.standardOutput.contains("listening on"))
        let good = try ManagedProcess(
            executable: "slime-router", arguments: ["--port", "0", "--chat-template", model.path + "/good.jinja"])
        #expect(try good.waitForListeningPort() > 0)
    }
}
