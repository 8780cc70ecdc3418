import JSON

/// Builds SGLang-shaped `/generate` answers, whole or partial (streaming).
struct GenerateResponse {
    let item: GenerateRequest.Item
    let generation: Generation
    let returnLogprob: Bool
    let weightVersion: String
    let codec: TokenCodec
    let requestID: String

    /// The answer after `produced` tokens; `finished` adds the finish reason.
    func json(produced: Int, finished: Bool, elapsedSeconds: Double) -> JSONValue {
        json(produced: produced, finishReason: finished ? finishReason : .null, elapsedSeconds: elapsedSeconds)
    }

    /// What SGLang answers for an aborted request: what it had produced so
    /// far, and an abort finish reason.
    func aborted(produced: Int, elapsedSeconds: Double) -> JSONValue {
        json(
            produced: produced,
            finishReason: .object([
                ("type", .string("abort")),
                ("message", .string("Abort in waiting queue")),
                ("status_code", .int(503)),
                ("err_type", .null),
            ]), elapsedSeconds: elapsedSeconds)
    }

    private func json(produced: Int, finishReason: JSONValue, elapsedSeconds: Double) -> JSONValue {
        let ids = Array(generation.outputIDs.prefix(produced))
        var meta: [(key: String, value: JSONValue)] = [
            ("id", .string(requestID)),
            ("finish_reason", finishReason),
            ("prompt_tokens", .int(item.promptIDs.count)),
            ("completion_tokens", .int(ids.count)),
            ("cached_tokens", .int(0)),
            ("weight_version", .string(weightVersion)),
            ("e2e_latency", .double(elapsedSeconds)),
        ]
        if returnLogprob {
            meta.append(
                (
                    "output_token_logprobs",
                    .array(
                        zip(generation.logprobs, ids).map { logprob, id in
                            .array([.double(logprob), .int(id), .null])
                        })
                ))
        }
        // SGLang's text leaves out special tokens and a matched stop string.
        let shown = item.noStopTrim ? ids : Array(ids.prefix(generation.outputIDs.count - generation.stopStringTokens))
        return .object([
            ("text", .string(codec.decode(shown))),
            ("output_ids", .array(ids.map { .int($0) })),
            // Last: `meta_info_extra` is spliced in before the closing braces.
            ("meta_info", .object(meta)),
        ])
    }

    private var finishReason: JSONValue {
        switch generation.finishReason {
        case .stopToken(let id): .object([("type", .string("stop")), ("matched", .int(id))])
        case .stopString(let stop): .object([("type", .string("stop")), ("matched", .string(stop))])
        case .length: .object([("type", .string("length")), ("length", .int(generation.outputIDs.count))])
        }
    }

    /// What the worker records of a generation it answered (`/mock/generations`).
    func record(produced: Int, aborted: Bool) -> JSONValue {
        .object([
            ("rid", .string(requestID)),
            ("prompt_ids", .array(item.promptIDs.map { .int($0) })),
            ("output_ids", .array(generation.outputIDs.prefix(produced).map { .int($0) })),
            ("logprobs", .array(generation.logprobs.prefix(produced).map { .double($0) })),
            ("weight_version", .string(weightVersion)),
            ("aborted", .bool(aborted)),
        ])
    }
}
