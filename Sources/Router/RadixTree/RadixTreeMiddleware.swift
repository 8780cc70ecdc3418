import EventLoop
import JSON
import HTTPServer

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
public final class RadixTreeMiddleware: NamedMiddleware {
    static let names = ["radix-tree", "slime.router.middleware_hub.radix_tree_middleware.RadixTreeMiddleware"]
    static let needsTokenizer = true
    let tokens: TokenCache
    /// With cache-aware routing, its table of which worker produced each
    /// stored trajectory: a request prefers the worker that produced its
    /// matched prefix, and each stored trajectory is recorded there.
    let affinity: WorkerAffinity?

    public init(tokens: TokenCache, affinity: WorkerAffinity?) {
        self.tokens = tokens
        self.affinity = affinity
    }

    static func make(_ setup: MiddlewareSetup) throws -> any Middleware {
        guard let tokens = setup.tokens else { throw RouterSetupError("the radix-tree middleware needs a tokenizer") }
        return RadixTreeMiddleware(tokens: tokens, affinity: (setup.policy as? CacheAwarePolicy)?.affinity)
    }

    /// What `complete` needs to store the trajectories of a request.
    private final class Pending {
        let prompts: [PromptRecord?]
        /// The client's `rid` of each prompt, if it named them.
        let rids: [String?]
        var stream = StreamedGeneration()

        init(prompts: [PromptRecord?], rids: [String?]) {
            self.prompts = prompts
            self.rids = rids
        }
    }

    public func prepare(_ request: ProxiedRequest, context: MiddlewareContext, done: @escaping (MiddlewareVerdict) -> Void) {
        guard request.method == "POST", request.path == "/generate" else { return done(.forward) }
        let bytes = request.body
        JSONWork.run(on: context.loop, bodyBytes: bytes.count, { () throws(ClientError) in try GenerateBody(bytes) }) {
            [self] (result: Result<GenerateBody, ClientError>) in
            let body: GenerateBody
            switch result {
            case .success(let parsed): body = parsed
            case .failure(let error): return done(.respond(error.response))
            }
            // A /generate answer that is not streamed comes whole to
            // `complete` (the router buffers it anyway), which reads its bytes.
            request.forwarding.streams = body.streams
            switch body.prompts {
            case .ids(let lists):
                // Without the generated tokens' log-probabilities the
                // trajectory could not be stored: turn them on, as for text.
                if !body.clientAskedForLogprobs { request.body = body.rewritten(ids: lists, spelledBy: tokens.idSpellings) }
                let tokenizer = tokens.tokenizer, cache = tokens.cache
                let inline = lists.reduce(0) { $0 + $1.count } < TokenCache.offloadThreshold / 4
                JSONWork.run(
                    on: context.loop, inline: inline,
                    { () -> [PromptRecord?] in
                        lists.map { PromptRecord(ids: $0, tokenizer: tokenizer, cache: cache) }
                    }
                ) { (result: Result<[PromptRecord?], Never>) in
                    guard case .success(let records) = result else { return }
                    request.middlewareState[Pending.self] = Pending(prompts: records, rids: body.rids)
                    done(.forward)
                }
            case .texts(let texts):
                let encoder = tokens.encoder, spellings = tokens.idSpellings
                let routesByCache = affinity != nil
                let inline = texts.reduce(0) { $0 + $1.utf8.count } < TokenCache.offloadThreshold
                JSONWork.run(
                    on: context.loop, inline: inline,
                    { () -> PreparedPrompts in
                        PreparedPrompts(
                            texts: texts, body: body, encoder: encoder, spellings: spellings, affinity: routesByCache)
                    }
                ) { [self] (result: Result<PreparedPrompts, Never>) in
                    guard case .success(let prepared) = result else { return }
                    tokens.countServed(prepared.prompts)
                    request.body = prepared.body
                    request.middlewareState[Pending.self] = Pending(prompts: prepared.records, rids: body.rids)
                    if let affinity, let key = prepared.affinityKey {
                        request.forwarding.preferredWorker = affinity.worker(forKey: key, in: context.pool)
                    }
                    done(.forward)
                }
            }
        }
    }

    public func complete(
        _ response: ProxiedResponse, for request: ProxiedRequest, context: MiddlewareContext,
        done: @escaping (ProxiedResponse) -> Void
    ) {
        guard response.status == 200, let pending = request.middlewareState[Pending.self] else { return done(response) }
        // Read straight from the bytes (off the loop when large): an answer
        // that is not JSON, or not one per prompt, has nothing to store.
        let body = response.body
        JSONWork.run(on: context.loop, bodyBytes: body.count, { try? GeneratedOutput.read(answer: body) }) {
            [self] (result: Result<[GeneratedOutput?]?, Never>) in
            guard case .success(let outputs?) = result, outputs.count == pending.prompts.count else { return done(response) }
            tokens.store(pending.prompts, outputs, rids: pending.rids, servedBy: request.servedBy, recordingIn: affinity) {
                done(response)
            }
        }
    }

    public func observeStream(_ bytes: UnsafeRawBufferPointer, for request: ProxiedRequest, context: MiddlewareContext) {
        guard let pending = request.middlewareState[Pending.self], pending.prompts.count == 1 else { return }
        pending.stream.feed(bytes)
    }

    public func streamEnded(
        for request: ProxiedRequest, succeeded: Bool, context: MiddlewareContext,
        done: @escaping () -> Void
    ) {
        guard succeeded, let pending = request.middlewareState[Pending.self], pending.prompts.count == 1,
            let output = pending.stream.output()
        else { return done() }
        tokens.store(
            pending.prompts, [output], rids: pending.rids, servedBy: request.servedBy, recordingIn: affinity,
            completion: done)
    }
}

/// Text prompts made ready for a worker: encoded, the body rewritten, the
/// records to store later, and the affinity key of the matched prefix. One
/// job, so a long prompt costs the loop nothing.
private struct PreparedPrompts: Sendable {
    let prompts: [EncodedPrompt]
    let body: [UInt8]
    /// Optional as `Pending` keeps them: built so, rather than cast (a copy).
    let records: [PromptRecord?]
    let affinityKey: UInt64?

    init(texts: [String], body: GenerateBody, encoder: PromptEncoder, spellings: IntegerSpellings, affinity: Bool) {
        prompts = texts.map { encoder.encode($0) }
        self.body = body.rewritten(ids: prompts.map(\.ids), spelledBy: spellings)
        records = prompts.map { PromptRecord($0) }
        if affinity, prompts.count == 1, let prompt = prompts.first, !prompt.match.isMiss {
            affinityKey = WorkerAffinity.key(prompt.text.utf8.prefix(prompt.match.matchedByteCount))
        } else {
            affinityKey = nil
        }
    }
}
