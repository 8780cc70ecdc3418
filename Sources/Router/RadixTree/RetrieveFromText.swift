import EventLoop
import HTTPServer
import JSON

/// `POST /retrieve_from_text {"text": ...}`: the tokens the trainer should
/// use for a trajectory text.
///
/// The longest cached prefix comes back exactly as stored (ids,
/// log-probabilities, loss mask, weight versions); the rest of the text is
/// tokenized and counts as prompt (mask 0, log-probability 0.0). A text the
/// cache has never seen is therefore all prompt: `cached_tokens` is 0 and
/// `cache_hit` false, so a trainer can tell a miss from a trajectory with
/// nothing generated.
struct RetrieveFromText {
    let tokens: TokenCache

    func respond(_ request: HTTPRequest, loop: EventLoop, send: @escaping (HTTPResponse) -> Void) {
        let body = request.body
        let encoder = tokens.encoder
        // Parsing, matching, tokenizing and writing the answer all scale with
        // the text: one trip to the thread pool for long ones.
        JSONWork.run(on: loop, inline: body.count < TokenCache.offloadThreshold, { () throws(ClientError) in
            let prompt = encoder.encode(try Self.text(in: body))
            return (prompt, Self.answer(prompt).serialized())
        }) { [tokens] result in
            switch result {
            case .failure(let error): send(error.response)
            case .success(let (prompt, answer)):
                tokens.countServed([prompt])
                send(.json(200, answer))
            }
        }
    }

    private static func text(in body: [UInt8]) throws(ClientError) -> String {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { throw ClientError("request body is not valid JSON: \(error)") }
        guard case .object = json else { throw ClientError("request body must be a JSON object {\"text\": ...}") }
        guard let value = json["text"], !value.isNull else { throw ClientError("\"text\" is required") }
        guard let text = value.stringValue else { throw ClientError("\"text\" must be a string") }
        guard !text.isEmpty else { throw ClientError("\"text\" must not be empty") }
        return text
    }

    private static func answer(_ prompt: EncodedPrompt) -> JSONValue {
        let record = PromptRecord(prompt)
        let versions = prompt.match.weightVersions + repeatElement("", count: prompt.freshCount)
        return .object([
            ("tokens", .array(record.ids.map { .int(Int($0)) })),
            ("response", .string(prompt.text)),
            ("loss_mask", .array(record.lossMask.map { .int(Int($0)) })),
            ("token_length", .int(record.ids.count)),
            ("loss_mask_length", .int(record.lossMask.count)),
            ("rollout_logp", .array(record.logprobs.map(JSONValue.double))),
            ("weight_versions", .array(versions.map { $0.isEmpty ? .null : .string($0) })),
            ("cached_tokens", .int(prompt.match.tokens.count)),
            ("cache_hit", .bool(!prompt.match.isMiss)),
        ])
    }
}
