import EventLoop
import JSON
import Logging
import RadixCache
import Tokenizer

/// The radix cache with the tokenizer it is keyed for, and the router-side
/// counters around it. Shared by the radix-tree middleware, the
/// `/retrieve_from_text` endpoint and `/metrics`.
///
/// Work that grows with the text (matching and tokenizing long prompts)
/// runs on the thread pool; inserts run on a writer thread of their own
/// (`SerialOffload`), as the cache allows a single writer at a time.
public final class TokenCache {
    public let cache: RadixCache
    public let tokenizer: Tokenizer
    let encoder: PromptEncoder
    let affinity = WorkerAffinity()
    private let writer: SerialOffload
    private let logger: Logger
    /// Prompt tokens served from the cache, and tokenized afresh.
    private(set) var tokensFromCache = 0
    private(set) var tokensTokenized = 0
    private(set) var trajectoriesStored = 0
    private(set) var trajectoriesNotStored = 0
    /// Texts at least this long are matched and tokenized off the loop.
    static let offloadThreshold = 4 * 1024

    public init(tokenizer: Tokenizer, configuration: RadixCache.Configuration, loop: EventLoop, logger: Logger) {
        self.tokenizer = tokenizer
        cache = RadixCache(configuration: configuration, tokenBytes: TokenizerBytes(tokenizer: tokenizer))
        encoder = PromptEncoder(cache: cache, tokenizer: tokenizer)
        writer = SerialOffload(loop: loop, threadName: "slime-writer")
        self.logger = logger
    }

    /// Counts prompt tokens served from the cache and tokenized afresh.
    func countServed(_ prompts: [EncodedPrompt]) {
        for prompt in prompts {
            tokensFromCache += prompt.match.tokenCount
            tokensTokenized += prompt.freshCount
        }
    }

    /// Stores finished generations; `completion` runs on the loop once they
    /// are in the cache (answer the client only then, so that its next turn
    /// finds them).
    func store(_ items: [(prompt: PromptRecord, answer: JSONValue)], servedBy worker: Worker?,
               completion: @escaping () -> Void) {
        let trajectories = items.compactMap { item in GeneratedOutput(item.answer).map { (item.prompt, $0) } }
        trajectoriesNotStored += items.count - trajectories.count
        guard !trajectories.isEmpty else { return completion() }
        let cache = cache, tokenizer = tokenizer
        // Always on the writer's thread, even when small: the writer also
        // frees the snapshots readers have left, which can be large (a
        // split 100K-token run, an eviction), and that must not stall the loop.
        writer.submit({
            trajectories.map { prompt, output in
                Result { () throws(RadixCacheError) in
                    WorkerAffinity.key(try TrajectoryStore.insert(prompt: prompt, output: output, tokenizer: tokenizer, cache: cache).utf8)
                }
            }
        }, then: { [self] results in
            for result in results {
                switch result {
                case .success(let key):
                    trajectoriesStored += 1
                    if let worker { affinity.record(key: key, worker: worker) }
                case .failure(let error):
                    trajectoriesNotStored += 1
                    logger.warning("trajectory not cached", metadata: ["reason": "\(error)"])
                }
            }
            completion()
        })
    }
}
