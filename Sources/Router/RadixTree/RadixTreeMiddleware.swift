import EventLoop
import HTTPServer
import JSON

/// Sends workers token ids instead of text and remembers the exact tokens
/// of every trajectory (see `TokenCache`).
///
/// For `POST /generate` with `text`: the longest cached prefix keeps its
/// stored tokens, only the rest is tokenized, and the worker gets
/// `input_ids` (every other member of the body byte for byte, plus
/// `return_logprob: true`, so answers carry log-probabilities even when the
/// client did not ask, as with the original). With `input_ids` the body goes
/// unchanged but for `return_logprob: true` when the client did not ask.
/// Finished answers are stored: prompt tokens + `output_ids`.
/// Aborted or failed answers are not.
public final class RadixTreeMiddleware: Middleware {
    public let name = "radix-tree"
    let tokens: TokenCache
    /// Prefer the worker that produced the matched prefix.
    let routesByCache: Bool

    public init(tokens: TokenCache, routesByCache: Bool) {
        self.tokens = tokens
        self.routesByCache = routesByCache
    }

    /// What `complete` needs to store the trajectories of a request.
    private struct Pending {
        var prompts: [PromptRecord?]
        var stream = StreamedGeneration()
    }

    public func prepare(_ request: ProxiedRequest, context: MiddlewareContext, done: @escaping (MiddlewareVerdict) -> Void) {
        guard request.method == "POST", request.path == "/generate" else { return done(.forward) }
        let bytes = request.body
        JSONWork.run(on: context.loop, inline: bytes.count <= JSONWork.inlineLimit, { () throws(ClientError) in try GenerateBody(bytes) }) { [self] result in
            let body: GenerateBody
            switch result {
            case .success(let parsed): body = parsed
            case .failure(let error): return done(.respond(error.response))
            }
            request.streams = body.streams
            request.needsWholeResponse = !body.streams
            switch body.prompts {
            case .ids(let lists):
                // Without the generated tokens' log-probabilities the
                // trajectory could not be stored: turn them on, as for text.
                if !body.clientAskedForLogprobs { request.body = body.rewritten(ids: lists) }
                request.attachments[name] = Pending(prompts: lists.map {
                    PromptRecord(ids: $0, tokenizer: tokens.tokenizer, cache: tokens.cache)
                })
                done(.forward)
            case .texts(let texts):
                tokens.encode(texts, on: context.loop) { [self] prompts in
                    request.body = body.rewritten(ids: prompts.map(\.ids))
                    request.attachments[name] = Pending(prompts: prompts.map(PromptRecord.init))
                    if routesByCache, prompts.count == 1, let prompt = prompts.first, !prompt.match.isMiss {
                        request.preferredWorker = tokens.affinity.worker(
                            forPrefix: prompt.text.utf8.prefix(prompt.match.matchedByteCount), in: context.pool)
                    }
                    done(.forward)
                }
            }
        }
    }

    public func complete(_ response: ProxiedResponse, for request: ProxiedRequest, context: MiddlewareContext,
                         done: @escaping (ProxiedResponse) -> Void) {
        defer { done(response) }
        guard response.status == 200, let pending = request.attachments[name] as? Pending,
              let answer = response.json ?? (try? JSONParser.parse(response.body)) else { return }
        let answers = answer.arrayValue ?? [answer]
        guard answers.count == pending.prompts.count else { return }
        for (prompt, item) in zip(pending.prompts, answers) {
            if let prompt { tokens.store(prompt: prompt, answer: item, servedBy: request.servedBy) }
        }
    }

    public func observeStream(_ bytes: UnsafeRawBufferPointer, for request: ProxiedRequest, context: MiddlewareContext) {
        guard var pending = request.attachments[name] as? Pending, pending.prompts.count == 1 else { return }
        request.attachments[name] = nil  // keep the stream state uniquely referenced while it grows
        pending.stream.feed(bytes)
        request.attachments[name] = pending
    }

    public func streamEnded(for request: ProxiedRequest, succeeded: Bool, context: MiddlewareContext) {
        guard succeeded, var pending = request.attachments[name] as? Pending, pending.prompts.count == 1,
              let prompt = pending.prompts[0], let answer = pending.stream.answer() else { return }
        tokens.store(prompt: prompt, answer: answer, servedBy: request.servedBy)
    }
}
