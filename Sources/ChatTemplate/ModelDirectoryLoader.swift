import Foundation
import JSON

/// Finds a model's chat templates the way transformers does:
/// `chat_template.jinja` and `additional_chat_templates/*.jinja` first, else
/// `chat_template` in tokenizer_config.json (one string, or a list of named
/// templates); the special tokens (`bos_token`, ...) from tokenizer_config.json.
/// Every template is parsed here, so unsupported syntax fails at load time.
public enum ModelDirectoryLoader {
    static let specialTokenNames = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]

    /// `templateFile` (the `--chat-template` flag) replaces the model's default template.
    public static func load(directory: String?, templateFile: String? = nil) throws(ChatTemplateLoadError) -> ChatTemplates {
        var sources: [String: (source: String, origin: String)] = [:]
        var specialTokens: [(name: String, value: String)] = []
        if let directory {
            let config = try tokenizerConfig(in: directory)
            specialTokens = specialTokenNames.compactMap { name in
                guard let token = config?[name], let text = token.stringValue ?? token["content"]?.stringValue else { return nil }
                return (name, text)
            }
            sources = try templateFiles(in: directory)
            if sources.isEmpty, let config { sources = try configTemplates(config) }
        }
        if let templateFile { sources["default"] = (try read(templateFile), templateFile) }
        var named: [String: Template] = [:]
        for (name, entry) in sources {
            do {
                named[name] = try Template(source: entry.source)
            } catch {
                throw ChatTemplateLoadError(file: entry.origin, reason: error.description)
            }
        }
        if named.count == 1, let only = named["default"] { return ChatTemplates(defaultTemplate: only, specialTokens: specialTokens) }
        return ChatTemplates(defaultTemplate: named["default"], named: named, specialTokens: specialTokens)
    }

    private static func read(_ path: String) throws(ChatTemplateLoadError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChatTemplateLoadError(file: path, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ChatTemplateLoadError(file: path, reason: "not UTF-8 text") }
        return text
    }

    private static func tokenizerConfig(in directory: String) throws(ChatTemplateLoadError) -> JSONValue? {
        let path = directory + "/tokenizer_config.json"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let config = try JSONParser.parse(try read(path))
            guard case .object = config else { throw ChatTemplateLoadError(file: path, reason: "not a JSON object") }
            return config
        } catch let error as ChatTemplateLoadError {
            throw error
        } catch {
            throw ChatTemplateLoadError(file: path, reason: "\(error)")
        }
    }

    private static func templateFiles(in directory: String) throws(ChatTemplateLoadError) -> [String: (source: String, origin: String)] {
        var sources: [String: (source: String, origin: String)] = [:]
        let main = directory + "/chat_template.jinja"
        if FileManager.default.fileExists(atPath: main) { sources["default"] = (try read(main), main) }
        let extra = directory + "/additional_chat_templates"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: extra)) ?? [] where file.hasSuffix(".jinja") {
            sources[String(file.dropLast(".jinja".count))] = (try read(extra + "/" + file), extra + "/" + file)
        }
        return sources
    }

    private static func configTemplates(_ config: JSONValue) throws(ChatTemplateLoadError) -> [String: (source: String, origin: String)] {
        let origin = "tokenizer_config.json"
        switch config["chat_template"] {
        case nil, .null?:
            return [:]
        case .string(let source)?:
            return ["default": (source, origin)]
        case .array(let entries)?:
            var sources: [String: (source: String, origin: String)] = [:]
            for entry in entries {
                guard let name = entry["name"]?.stringValue, let source = entry["template"]?.stringValue else {
                    throw ChatTemplateLoadError(file: origin, reason: "every chat_template entry needs a 'name' and a 'template' string")
                }
                sources[name] = (source, "\(origin) (chat_template '\(name)')")
            }
            return sources
        default:
            throw ChatTemplateLoadError(file: origin, reason: "chat_template must be a string or a list of {name, template}")
        }
    }
}

/// A template file or entry that could not be read or parsed.
public struct ChatTemplateLoadError: Error, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "\(file): \(reason)" }
}
