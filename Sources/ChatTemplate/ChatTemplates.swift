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
        let store = RequestStore()
        let variables: [(name: String, value: Value)]
        // A number this engine cannot hold fails first, wherever it is.
        do { variables = try self.variables(of: members, messages: messages, in: store) } catch { throw .invalid(error.description) }
        guard Self.allObjects(messages) else { throw .invalid("every message must be a JSON object") }
        if members.contains(where: { $0.key == "continue_final_message" }) { throw .invalid("continue_final_message is not supported") }
        do {
            return try template.render(request: store) { name in Self.value(of: name, in: variables) }
        } catch {
            throw .template(error)
        }
    }

    /// The template's variables, a later one of a name over an earlier: the
    /// special tokens, then the request's members read into `store`. Only the
    /// few names the template reads are looked up: building a `Dict` of them
    /// and looking them up there cost a few per cent of a render.
    private func variables(
        of members: [(key: String, value: JSONValue)], messages: [JSONValue], in store: RequestStore
    ) throws(TemplateError) -> [(name: String, value: Value)] {
        var variables = specialTokens.map { (name: $0.name, value: Value.string($0.value)) }
        let start = store.elements.count
        store.elements.append(repeating: 0, count: messages.count)
        // Through the buffer: copying each message out of the array retained and released it.
        try messages.withUnsafeBufferPointer { (messages) throws(TemplateError) in
            for position in messages.indices {
                if case .object(let fields) = messages[position] {
                    store.elements[start + position] = try add(message: fields, to: store)
                } else {
                    store.elements[start + position] = try store.add(messages[position])  // refused after its numbers are checked
                }
            }
        }
        variables.append(("messages", store.value(at: store.addNode(.list(start: Int32(start), count: Int32(messages.count), step: 1)))))
        variables.append(("tools", .none))
        variables.append(("documents", .none))
        variables.append(("add_generation_prompt", .bool(false)))
        for member in members where member.key != "messages" && member.key != "chat_template" {
            variables.append((member.key, store.value(at: try store.add(member.value))))
        }
        return variables
    }

    /// The last of `variables` named `name`.
    private static func value(of name: String, in variables: [(name: String, value: Value)]) -> Value? {
        for position in variables.indices.reversed() where sameBytes(variables[position].name, name) { return variables[position].value }
        return nil
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
    private func add(message fields: [(key: String, value: JSONValue)], to store: RequestStore) throws(TemplateError) -> Int32 {
        guard let reasoning = Self.reasoning(of: fields) else { return try store.add(fields) }
        let node = try store.add(fields[reasoning].value)
        return try store.add(fields, first: ("thinking", node), last: ("reasoning_content", node))
    }

    private static let reasoningNames = ["reasoning_content", "thinking", "reasoning"]

    /// The position of the message's reasoning among `fields`, if it has one not null.
    private static func reasoning(of fields: [(key: String, value: JSONValue)]) -> Int? {
        for name in reasoningNames {
            // The last of duplicate members counts, as in a dict. By index: `lastIndex(where:)` copied each member.
            if let position = fields.indices.last(where: { sameBytes(fields[$0].key, name) }), !fields[position].value.isNull {
                return position
            }
        }
        return nil
    }

    /// Whether every message is a JSON object, read in place.
    private static func allObjects(_ messages: [JSONValue]) -> Bool {
        messages.withUnsafeBufferPointer { messages in
            messages.indices.allSatisfy { if case .object = messages[$0] { true } else { false } }
        }
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
