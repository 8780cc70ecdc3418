import EventLoop
import JSON
import Logging
import RadixCache
import Tokenizer

/// The radix cache with the tokenizer it is keyed for, and the router-side
/// counters around it. Shared by the radix-tree middleware, the
/// `/retrieve_from_text` endpoint and `/metrics`.
public final class TokenCache {
    public let cache: RadixCache
    public let tokenizer: Tokenizer
    let encoder: PromptEncoder
    let affinity = WorkerAffinity()
    let logger: Logger
    /// Prompt tokens served from the cache, and tokenized afresh.
    private(set) var tokensFromCache = 0
    private(set) var tokensTokenized = 0
    private(set) var trajectoriesStored = 0
    private(set) var trajectoriesNotStored = 0
    /// Texts at least this long are matched and tokenized off the loop.
    static let offloadThreshold = 4 * 1024

    public init(tokenizer: Tokenizer, configuration: RadixCache.Configuration, logger: Logger) {
        self.tokenizer = tokenizer
        cache = RadixCache(configuration: configuration, tokenBytes: TokenizerBytes(tokenizer: tokenizer))
        encoder = PromptEncoder(cache: cache, tokenizer: tokenizer)
        self.logger = logger
    }

    /// Encodes prompts, on the thread pool when they are long.
    func encode(_ texts: [String], on loop: EventLoop, then completion: @escaping ([EncodedPrompt]) -> Void) {
        let encoder = encoder
        let finish = { [self] (prompts: [EncodedPrompt]) in
            countServed(prompts)
            completion(prompts)
        }
        if texts.reduce(0, { $0 + $1.utf8.count }) < Self.offloadThreshold {
            finish(texts.map(encoder.encode))
        } else {
            loop.offload({ texts.map(encoder.encode) }, then: finish)
        }
    }

    /// Counts prompt tokens served from the cache and tokenized afresh.
    func countServed(_ prompts: [EncodedPrompt]) {
        for prompt in prompts {
            tokensFromCache += prompt.match.tokens.count
            tokensTokenized += prompt.freshCount
        }
    }

    /// Stores a finished generation (loop thread: the cache's one writer).
    func store(prompt: PromptRecord, answer: JSONValue, servedBy worker: Worker?) {
        guard let output = GeneratedOutput(answer) else {
            trajectoriesNotStored += 1
            return
        }
        do {
            let text = try TrajectoryStore.insert(prompt: prompt, output: output, tokenizer: tokenizer, cache: cache)
            trajectoriesStored += 1
            if let worker { affinity.record(textPrefix: text.utf8, worker: worker) }
        } catch {
            trajectoriesNotStored += 1
            logger.warning("trajectory not cached", metadata: ["reason": "\(error)"])
        }
    }
}
