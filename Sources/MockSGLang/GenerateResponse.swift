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
        json(produced: produced, finishReason: .object([
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
            meta.append(("output_token_logprobs", .array(zip(generation.logprobs, ids).map { logprob, id in
                .array([.double(logprob), .int(id), .null])
            })))
        }
        return .object([
            ("text", .string(codec.decode(ids))),
            ("output_ids", .array(ids.map { .int($0) })),
            ("meta_info", .object(meta)),
        ])
    }

    private var finishReason: JSONValue {
        if generation.finishedByStopToken {
            return .object([("type", .string("stop")), ("matched", .int(codec.endOfSequence))])
        }
        return .object([("type", .string("length")), ("length", .int(generation.outputIDs.count))])
    }
}
