import EventLoop
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
    private let writer: SerialOffload
    private let logger: Logger
    /// Prompt tokens served from the cache, and tokenized afresh.
    private(set) var tokensFromCache = 0
    private(set) var tokensTokenized = 0
    private(set) var trajectoriesStored = 0
    /// Finished generations not stored, by reason (see `NotStoredReason`).
    private(set) var trajectoriesNotStored: [NotStoredReason: Int] = [:]
    private var fullCacheWarning = RateLimitedWarning(intervalNanoseconds: 10_000_000_000)
    /// Names generations whose request had no `rid` and whose answer no `meta_info.id`.
    private var unnamedGenerations = 0
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
    /// finds them). Each item's generation is named by the `rid` its client
    /// gave, else by the worker's `meta_info.id`. With cache-aware routing,
    /// `affinity` learns that `worker` produced each stored trajectory.
    func store(
        _ items: [(prompt: PromptRecord, output: GeneratedOutput?, rid: String?)], servedBy worker: Worker?,
        recordingIn affinity: WorkerAffinity?, completion: @escaping () -> Void
    ) {
        var trajectories: [GeneratedTrajectory] = []
        for item in items {
            guard let output = item.output else {
                trajectoriesNotStored[.unfinished, default: 0] += 1
                continue
            }
            let generation = item.rid ?? output.workerID ?? nextUnnamedGeneration()
            trajectories.append(GeneratedTrajectory(prompt: item.prompt, output: output, generation: generation))
        }
        guard !trajectories.isEmpty else { return completion() }
        let cache = cache, tokenizer = tokenizer, stored = trajectories
        // Hashing the stored text costs about as much as a short insert:
        // only cache-aware routing needs it.
        let recordsAffinity = affinity != nil && worker != nil
        // Always on the writer's thread, even when small: the writer also
        // frees the snapshots readers have left, which can be large (a
        // split 100K-token run, an eviction), and that must not stall the loop.
        writer.submit(
            {
                stored.map { trajectory in
                    Result { () throws(RadixCacheError) -> UInt64? in
                        var text = try trajectory.insert(into: cache, tokenizer: tokenizer)
                        return recordsAffinity ? text.withUTF8 { WorkerAffinity.key($0) } : nil
                    }
                }
            },
            then: { [self] results in
                for result in results {
                    switch result {
                    case .success(let key):
                        trajectoriesStored += 1
                        if let affinity, let worker, let key { affinity.record(key: key, worker: worker) }
                    case .failure(let error):
                        notStored(because: error)
                    }
                }
                completion()
            })
    }

    private func nextUnnamedGeneration() -> String {
        unnamedGenerations += 1
        return "slime-router-\(unnamedGenerations)"
    }

    private func notStored(because error: RadixCacheError) {
        guard case .fullOfUnretrievedTrajectories = error else {
            trajectoriesNotStored[.invalid, default: 0] += 1
            return logger.warning("trajectory not cached", metadata: ["reason": "\(error)"])
        }
        trajectoriesNotStored[.cacheFull, default: 0] += 1
        if let skipped = fullCacheWarning.shouldWarn(now: EventLoop.monotonicNanoseconds()) {
            logger.warning(
                """
                trajectories not cached: \(error); \(skipped + 1) refused since the last warning. \
                Retrieve them (/retrieve_from_text), raise --cache-max-mb / --cache-max-tokens, \
                or advance the weight version
                """)
        }
    }
}

/// Why a finished generation was not stored.
enum NotStoredReason: String, CaseIterable, Sendable {
    /// Aborted, unfinished, or without one log-probability per token.
    case unfinished
    /// Only trajectories not yet retrieved (and not stale) fill the budget.
    case cacheFull = "cache_full"
    /// The tokens do not spell the text, an id too large, and such.
    case invalid
}
