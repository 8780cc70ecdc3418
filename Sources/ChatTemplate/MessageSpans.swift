import JSON

extension ChatTemplates {
    /// The rendering and, per message, the UTF-8 byte range it accounts for.
    ///
    /// Message `i` ends where the rendering of messages `0...i` alone (no
    /// generation prompt) stops agreeing with the full rendering; it starts
    /// where message `i - 1` ended. Templates that render earlier turns
    /// differently once later ones exist (Qwen3 drops old reasoning) thus give
    /// the differing bytes to the later message. A prefix the template refuses
    /// to render gets an empty range.
    public func messageSpans(request: JSONValue) throws(ChatTemplateRequestError) -> (text: String, spans: [Range<Int>]) {
        let text = try render(request: request)
        let full = Array(text.utf8)
        guard let members = request.objectMembers, let messages = request["messages"]?.arrayValue else {
            throw .invalid("'messages' must be an array")
        }
        var spans: [Range<Int>] = []
        var start = 0
        for count in 1...max(messages.count, 1) where count <= messages.count {
            var prefix = members.filter { $0.key != "messages" && $0.key != "add_generation_prompt" }
            prefix.append(("messages", .array(Array(messages.prefix(count)))))
            prefix.append(("add_generation_prompt", .bool(false)))
            var end = start
            if let partial = try? render(request: .object(prefix)) {
                let agreeing = zip(partial.utf8, full).prefix { $0 == $1 }.count
                end = max(start, agreeing)
            }
            spans.append(start..<end)
            start = end
        }
        return (text, spans)
    }
}
