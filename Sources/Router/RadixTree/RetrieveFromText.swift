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
            return (prompt, Self.answer(prompt))
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

    /// The answer's bytes, written straight out: a long trajectory has
    /// thousands of ids, log-probabilities and versions.
    private static func answer(_ prompt: EncodedPrompt) -> [UInt8] {
        let record = PromptRecord(prompt)
        // Fresh tokens have no version (null), nor do tokens stored without one.
        let versionRuns = prompt.match.weightVersionRuns.map { (value: $0.version.isEmpty ? nil : $0.version, count: $0.count) }
            + [(value: nil, count: prompt.freshCount)]
        var answer = JSONObjectWriter(reservingCapacity: 32 * record.ids.count + 2 * prompt.text.utf8.count + 256)
        answer.add("tokens", integers: record.ids)
        answer.add("response", .string(prompt.text))
        answer.add("loss_mask", integers: record.lossMask)
        answer.add("token_length", .int(record.ids.count))
        answer.add("loss_mask_length", .int(record.lossMask.count))
        answer.add("rollout_logp", doubles: record.logprobs)
        answer.add("weight_versions", runs: versionRuns)
        answer.add("cached_tokens", .int(prompt.match.tokenCount))
        answer.add("cache_hit", .bool(!prompt.match.isMiss))
        return answer.finish()
    }
}
