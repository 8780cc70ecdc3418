import ArgumentParser
import ChatTemplate
import Foundation
import JSON
import Tokenizer

/// `slime-router chat-template --model DIR`: renders a chat request read from
/// stdin with the model's template, for people debugging templates.
struct ChatTemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat-template",
        abstract: "Render {\"messages\", \"tools\", \"add_generation_prompt\", ...kwargs} (JSON on stdin) with a model's chat template.")

    @Option(help: "Model directory (tokenizer_config.json, chat_template.jinja, tokenizer.json).")
    var model: String?

    @Option(name: .customLong("chat-template"), help: "A Jinja template file that replaces the model's.")
    var chatTemplate: String?

    @Flag(help: "Print JSON: the token ids (through the model's tokenizer) and each message's byte and token ranges.")
    var ids = false

    func validate() throws {
        guard model != nil || chatTemplate != nil else { throw ValidationError("give --model DIR or --chat-template FILE") }
        if ids && model == nil { throw ValidationError("--ids needs --model DIR for the tokenizer") }
    }

    func run() throws {
        let templates: ChatTemplates
        do { templates = try ModelDirectoryLoader.load(directory: model, templateFile: chatTemplate) } catch {
            throw ValidationError("\(error)")
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let request: JSONValue
        do { request = try JSONParser.parse([UInt8](input)) } catch { throw ValidationError("stdin: \(error)") }
        do {
            if ids {
                let tokenizer: Tokenizer
                do { tokenizer = try Tokenizer.load(directory: model!) } catch { throw ValidationError("\(model!): \(error)") }
                let (text, spans) = try templates.messageSpans(request: request)
                FileHandle.standardOutput.write(
                    Data(idsReport(text: text, spans: spans, request: request, tokenizer: tokenizer).serialized()))
                print()
            } else {
                FileHandle.standardOutput.write(Data(try templates.render(request: request).utf8))
            }
        } catch let error as ChatTemplateRequestError {
            throw ValidationError("\(error)")
        }
    }

    /// `{"input_ids": [...], "messages": [{"role", "bytes": [start, end], "tokens": [start, end]}]}`:
    /// a message's tokens are those starting inside its bytes.
    private func idsReport(text: String, spans: [Range<Int>], request: JSONValue, tokenizer: Tokenizer) -> JSONValue {
        let tokens = tokenizer.encode(text)
        var tokenStarts: [Int] = []
        var offset = 0
        for token in tokens {
            tokenStarts.append(offset)
            offset += tokenizer.byteLength(of: token)
        }
        let messages = request["messages"]?.arrayValue ?? []
        let described: [JSONValue] = zip(messages, spans).map { message, span in
            let first = tokenStarts.firstIndex { $0 >= span.lowerBound } ?? tokens.count
            let end = tokenStarts.firstIndex { $0 >= span.upperBound } ?? tokens.count
            return .object([
                ("role", message["role"] ?? .null),
                ("bytes", .array([.int(span.lowerBound), .int(span.upperBound)])),
                ("tokens", .array([.int(first), .int(max(first, end))])),
            ])
        }
        return .object([("input_ids", .array(tokens.map { .int(Int($0)) })), ("messages", .array(described))])
    }
}
