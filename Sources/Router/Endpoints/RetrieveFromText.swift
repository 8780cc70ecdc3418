import EventLoop
import HTTPServer
import JSON

/// `POST /retrieve_from_text {"text": ..., "rid": ...}`: the tokens the
/// trainer should use for a trajectory text.
///
/// The longest cached prefix comes back exactly as stored (ids,
/// log-probabilities, loss mask, weight versions), with the tail of the
/// generation the text ends with (its stop token, a trimmed stop string:
/// see `GeneratedSpelling`); the rest of the text is tokenized and counts as
/// prompt (mask 0, log-probability 0.0). A text the cache has never seen is
/// therefore all prompt: `cached_tokens` is 0 and `cache_hit` false.
/// `exact` is true only when nothing was tokenized afresh, and
/// `retokenized_tokens` counts what was: a trainer can drop a sample the
/// cache could not serve exactly instead of training on re-tokenized ids.
///
/// Several generations can share a text (samples of one prompt). Without
/// `rid` the most recent of them comes back, and `rid` in the answer says
/// whose; with `rid` (the client's for `/generate`, or the worker's
/// `meta_info.id`), that generation's, or 404 if none matches the text.
struct RetrieveFromText {
    let tokens: TokenCache

    func respond(_ request: HTTPRequest, loop: EventLoop, send: @escaping (HTTPResponse) -> Void) {
        let body = request.body
        let encoder = tokens.encoder
        // Parsing, matching, tokenizing and writing the answer all scale with
        // the text: one trip to the thread pool for long ones.
        JSONWork.run(
            on: loop, inline: body.count < TokenCache.offloadThreshold,
            { () throws(ClientError) in
                let (text, rid) = try Self.parse(body)
                let prompt = encoder.encode(text, options: .retrieval(generation: rid))
                if let rid, prompt.match.isMiss {
                    throw ClientError(404, "no cached generation with rid \"\(rid)\" matches this text")
                }
                return (prompt, Self.answer(prompt))
            }
        ) { [tokens] result in
            switch result {
            case .failure(let error): send(error.response)
            case .success(let (prompt, answer)):
                tokens.countServed(fromCache: prompt.match.tokenCount, tokenized: prompt.freshCount)
                send(.json(200, answer))
            }
        }
    }

    private static func parse(_ body: [UInt8]) throws(ClientError) -> (text: String, rid: String?) {
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { throw ClientError("request body is not valid JSON: \(error)") }
        guard case .object = json else { throw ClientError("request body must be a JSON object {\"text\": ...}") }
        guard let value = json["text"], !value.isNull else { throw ClientError("\"text\" is required") }
        guard let text = value.stringValue else { throw ClientError("\"text\" must be a string") }
        guard !text.isEmpty else { throw ClientError("\"text\" must not be empty") }
        guard let rid = json["rid"], !rid.isNull else { return (text, nil) }
        guard let name = rid.stringValue, !name.isEmpty else { throw ClientError("\"rid\" must be a non-empty string") }
        return (text, name)
    }

    /// The answer's bytes, written straight out: a long trajectory has
    /// thousands of ids, log-probabilities and versions. The cached prefix's
    /// values are written from the match's memory; the fresh tokens after it
    /// are prompt (log-probability 0.0, mask 0, no origin).
    private static func answer(_ prompt: EncodedPrompt) -> [UInt8] {
        let match = prompt.match
        // Prompt tokens, fresh or cached, have no version (null). The origins
        // cover every token, so the runs and the generation come from them
        // once; neighbours of one version need no merging to be written.
        var origins = match.originRuns
        origins.append(.prompt, count: prompt.freshCount)
        let versionRuns = origins.map { run in
            (value: run.origin.weightVersion.isEmpty ? nil : run.origin.weightVersion, count: run.count)
        }
        // The writer is made inside: captured by a closure, it would be
        // copied whole by `finish`.
        return match.withLogprobsAndLossMask { logprobs, lossMask in
            var answer = JSONObjectWriter(reservingCapacity: 32 * prompt.ids.count + 2 * prompt.text.utf8.count + 256)
            answer.add("tokens", integers: prompt.ids)
            answer.add("response", .string(prompt.text))
            answer.add("loss_mask", integers: lossMask, thenZeros: prompt.freshCount)
            answer.add("token_length", .int(prompt.ids.count))
            answer.add("loss_mask_length", .int(prompt.ids.count))
            answer.add("rollout_logp", doubles: logprobs, thenZeros: prompt.freshCount)
            answer.add("weight_versions", runs: versionRuns)
            answer.add("cached_tokens", .int(match.tokenCount))
            answer.add("cache_hit", .bool(!match.isMiss))
            answer.add("exact", .bool(prompt.freshCount == 0))
            answer.add("retokenized_tokens", .int(prompt.freshCount))
            answer.add("rid", origins.lastGeneration.map { .string($0) } ?? .null)
            return answer.finish()
        }
    }
}
