import JSON

/// A model's chat templates with its special tokens, rendering requests the
/// way `tokenizer.apply_chat_template(..., tokenize=False)` does.
public struct ChatTemplates: Sendable {
    /// The template used when no name is asked for, if the model has one.
    public let defaultTemplate: Template?
    /// Named templates from a tokenizer_config.json list (`default`, `tool_use`, ...).
    public let named: [String: Template]
    /// `bos_token`, `eos_token`, ... as the template sees them.
    public let specialTokens: [(name: String, value: String)]

    public init(defaultTemplate: Template?, named: [String: Template] = [:], specialTokens: [(name: String, value: String)] = []) {
        self.defaultTemplate = defaultTemplate
        self.named = named
        self.specialTokens = specialTokens
    }

    /// Renders `{"messages": [...], "tools": [...], "documents": [...],
    /// "add_generation_prompt": bool, "chat_template": name, ...kwargs}`.
    public func render(request: JSONValue) throws(ChatTemplateRequestError) -> String {
        guard let members = request.objectMembers else { throw .invalid("the request must be a JSON object") }
        guard let messages = request["messages"]?.arrayValue else { throw .invalid("'messages' must be an array") }
        let tools = request["tools"].flatMap { $0.isNull ? nil : $0 }
        let template = try select(name: request["chat_template"]?.stringValue, hasTools: tools != nil)
        do { try Value.checkNumbers(in: request) } catch { throw .invalid(error.description) }
        var variables = Dict()
        for (name, value) in specialTokens { variables[name] = .string(value) }
        var converted: [Value] = []
        converted.reserveCapacity(messages.count)
        for message in messages {
            guard case .object(let fields) = message else { throw .invalid("every message must be a JSON object") }
            converted.append(messageValue(fields))
        }
        variables["messages"] = .list(converted)
        variables["tools"] = tools.map(Value.init(checkedJSON:)) ?? Value.none
        variables["documents"] = request["documents"].map(Value.init(checkedJSON:)) ?? Value.none
        variables["add_generation_prompt"] = request["add_generation_prompt"].map(Value.init(checkedJSON:)) ?? .bool(false)
        for member in members where !["messages", "tools", "documents", "add_generation_prompt", "chat_template"].contains(member.key) {
            if member.key == "continue_final_message" { throw .invalid("continue_final_message is not supported") }
            variables[member.key] = Value(checkedJSON: member.value)
        }
        do {
            return try template.render(variables)
        } catch {
            throw .template(error)
        }
    }

    /// transformers' choice: the named template, else `tool_use` when tools are given, else `default`.
    private func select(name: String?, hasTools: Bool) throws(ChatTemplateRequestError) -> Template {
        if let name {
            guard let template = named[name] else { throw .invalid("no chat template named '\(name)'; known: \(named.keys.sorted())") }
            return template
        }
        if hasTools, let toolUse = named["tool_use"] { return toolUse }
        if let defaultTemplate { return defaultTemplate }
        if named.isEmpty { throw .invalid("the model has no chat template") }
        throw .invalid("the model has several chat templates and none is 'default'; pass one of \(named.keys.sorted()) as chat_template")
    }

    /// A message as the template sees it. transformers copies a message's
    /// reasoning, under whichever name it came (the first of these that is
    /// not null), to `thinking` (first, unless the message sets it) and
    /// `reasoning_content`: here two more members around the message's own,
    /// as a dict keeps a repeated key's first place and last value.
    private func messageValue(_ fields: [(key: String, value: JSONValue)]) -> Value {
        let reasoning = ["reasoning_content", "thinking", "reasoning"].lazy.compactMap { name -> JSONValue? in
            // The last of duplicate members counts, as in a dict.
            guard let field = fields.last(where: { sameBytes($0.key, name) }), !field.value.isNull else { return nil }
            return field.value
        }.first
        guard let reasoning else { return .dict(Dict(checkedJSON: fields)) }
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(fields.count + 2)
        members.append(("thinking", reasoning))
        members.append(contentsOf: fields)
        members.append(("reasoning_content", reasoning))
        return .dict(Dict(checkedJSON: members))
    }
}

/// Why a chat request could not be rendered.
public enum ChatTemplateRequestError: Error, CustomStringConvertible {
    case invalid(String)
    case template(TemplateError)

    public var description: String {
        switch self {
        case .invalid(let message): "invalid chat request: \(message)"
        case .template(let error): error.description
        }
    }
}
