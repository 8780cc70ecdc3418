import EventLoop
import HTTPServer
import JSON
import RadixCache
import Tokenizer

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
        // A small body is worked on at once, with no closure made: values
        // go to the steps as arguments (a closure capturing the parsed body
        // would copy it, retaining each of its members, at every hand-over).
        let bytes = request.body
        if JSONWork.isInline(bytes: bytes.count) { return prepare(Self.parse(bytes), request, context, done) }
        parseOffTheLoop(bytes, request, context, done)
    }

    @inline(never)
    private func parseOffTheLoop(
        _ bytes: [UInt8], _ request: ProxiedRequest, _ context: MiddlewareContext,
        _ done: @escaping (MiddlewareVerdict) -> Void
    ) {
        JSONWork.offload(on: context.loop, bytes, Self.parse) { [self] parsed in prepare(parsed, request, context, done) }
    }

    private static func parse(_ bytes: [UInt8]) -> Result<GenerateBody, ClientError> {
        Result { () throws(ClientError) in try GenerateBody(bytes) }
    }

    private func prepare(
        _ parsed: Result<GenerateBody, ClientError>, _ request: ProxiedRequest, _ context: MiddlewareContext,
        _ done: @escaping (MiddlewareVerdict) -> Void
    ) {
        let body: GenerateBody
        switch parsed {
        case .success(let read): body = read
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
            guard lists.reduce(0, { $0 + $1.count }) < TokenCache.offloadThreshold / 4 else {
                return recordOffTheLoop(lists, rids: body.rids, request, context, done)
            }
            remember(Self.records(of: lists, tokenizer: tokens.tokenizer, cache: tokens.cache), rids: body.rids, request, done)
        case .texts(let texts):
            guard texts.reduce(0, { $0 + $1.utf8.count }) < TokenCache.offloadThreshold else {
                return encodeOffTheLoop(texts, body, request, context, done)
            }
            let prepared = PreparedPrompts(
                texts: texts, body: body, encoder: tokens.encoder, spellings: tokens.idSpellings, affinity: affinity != nil)
            forward(prepared, rids: body.rids, request, context, done)
        }
    }

    private static func records(of lists: [[UInt32]], tokenizer: Tokenizer, cache: RadixCache) -> [PromptRecord?] {
        lists.map { PromptRecord(ids: $0, tokenizer: tokenizer, cache: cache) }
    }

    @inline(never)
    private func recordOffTheLoop(
        _ lists: [[UInt32]], rids: [String?], _ request: ProxiedRequest, _ context: MiddlewareContext,
        _ done: @escaping (MiddlewareVerdict) -> Void
    ) {
        let tokenizer = tokens.tokenizer, cache = tokens.cache
        context.loop.offload {
            Self.records(of: lists, tokenizer: tokenizer, cache: cache)
        } then: { [self] records in
            remember(records, rids: rids, request, done)
        }
    }

    /// Keeps the prompts' records for `complete`, and sends the request on.
    private func remember(
        _ records: [PromptRecord?], rids: [String?], _ request: ProxiedRequest, _ done: (MiddlewareVerdict) -> Void
    ) {
        request.middlewareState[Pending.self] = Pending(prompts: records, rids: rids)
        done(.forward)
    }

    @inline(never)
    private func encodeOffTheLoop(
        _ texts: [String], _ body: GenerateBody, _ request: ProxiedRequest, _ context: MiddlewareContext,
        _ done: @escaping (MiddlewareVerdict) -> Void
    ) {
        let encoder = tokens.encoder, spellings = tokens.idSpellings, routesByCache = affinity != nil
        context.loop.offload {
            PreparedPrompts(texts: texts, body: body, encoder: encoder, spellings: spellings, affinity: routesByCache)
        } then: { [self] prepared in
            forward(prepared, rids: body.rids, request, context, done)
        }
    }

    /// Sends the worker the encoded prompts, remembering them for `complete`.
    private func forward(
        _ prepared: PreparedPrompts, rids: [String?], _ request: ProxiedRequest, _ context: MiddlewareContext,
        _ done: @escaping (MiddlewareVerdict) -> Void
    ) {
        tokens.countServed(fromCache: prepared.tokensFromCache, tokenized: prepared.tokensTokenized)
        request.body = prepared.body
        if let affinity, let key = prepared.affinityKey {
            request.forwarding.preferredWorker = affinity.worker(forKey: key, in: context.pool)
        }
        remember(prepared.records, rids: rids, request, done)
    }

    public func complete(
        _ response: ProxiedResponse, for request: ProxiedRequest, context: MiddlewareContext,
        done: @escaping (ProxiedResponse) -> Void
    ) {
        guard response.status == 200, let pending = request.middlewareState[Pending.self] else { return done(response) }
        // Read straight from the bytes (off the loop when large): an answer
        // that is not JSON, or not one per prompt, has nothing to store.
        let body = response.body
        if JSONWork.isInline(bytes: body.count) {
            return store(Self.readOutputs(body), of: pending, answering: response, for: request, done: done)
        }
        readOffTheLoop(body, of: pending, answering: response, for: request, context: context, done: done)
    }

    /// Apart, so that the closures it makes are made only for a large answer.
    @inline(never)
    private func readOffTheLoop(
        _ body: [UInt8], of pending: Pending, answering response: ProxiedResponse, for request: ProxiedRequest,
        context: MiddlewareContext, done: @escaping (ProxiedResponse) -> Void
    ) {
        JSONWork.offload(on: context.loop, body, Self.readOutputs) { [self] outputs in
            store(outputs, of: pending, answering: response, for: request, done: done)
        }
    }

    /// The outputs of an answer; nil when it is not JSON.
    private static func readOutputs(_ body: [UInt8]) -> [GeneratedOutput?]? {
        try? GeneratedOutput.read(answer: body)
    }

    /// Stores the outputs read from the answer, one per prompt, then lets
    /// the answer go on; with any other count, stores nothing.
    private func store(
        _ outputs: [GeneratedOutput?]?, of pending: Pending, answering response: ProxiedResponse, for request: ProxiedRequest,
        done: @escaping (ProxiedResponse) -> Void
    ) {
        guard let outputs, outputs.count == pending.prompts.count else { return done(response) }
        tokens.store(pending.prompts, outputs, rids: pending.rids, servedBy: request.servedBy, recordingIn: affinity) {
            done(response)
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
    let body: [UInt8]
    /// Optional as `Pending` keeps them: built so, rather than cast (a copy).
    let records: [PromptRecord?]
    let affinityKey: UInt64?
    let tokensFromCache: Int
    let tokensTokenized: Int

    /// One pass over the texts: a single prompt makes no list of encoded
    /// prompts, only the two lists the body and `Pending` need.
    init(texts: [String], body: GenerateBody, encoder: PromptEncoder, spellings: IntegerSpellings, affinity: Bool) {
        var ids: [[UInt32]] = [], records: [PromptRecord?] = []
        ids.reserveCapacity(texts.count)
        records.reserveCapacity(texts.count)
        var affinityKey: UInt64?
        var fromCache = 0, tokenized = 0
        for text in texts {
            let prompt = encoder.encode(text)
            if affinity, texts.count == 1, !prompt.match.isMiss {
                affinityKey = WorkerAffinity.key(prompt.text.utf8.prefix(prompt.match.matchedByteCount))
            }
            fromCache += prompt.match.tokenCount
            tokenized += prompt.freshCount
            ids.append(prompt.ids)
            records.append(PromptRecord(prompt))
        }
        self.body = body.rewritten(ids: ids, spelledBy: spellings)
        self.records = records
        self.affinityKey = affinityKey
        tokensFromCache = fromCache
        tokensTokenized = tokenized
    }
}
