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
/// runs on the thread pool. Inserts run on a writer thread of their own
/// (`SerialOffload`), as the cache allows a single writer at a time, but
/// for bounded ones the cache calls quick while that thread is idle: those
/// the loop stores itself (see `store`).
public final class TokenCache {
    public let cache: RadixCache
    public let tokenizer: Tokenizer
    let encoder: PromptEncoder
    /// The spellings of the tokenizer's ids in a worker's `input_ids`.
    let idSpellings: IntegerSpellings
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
    /// The longest trajectory with no cached prefix the loop stores itself
    /// (`isShortEnoughForTheLoop`).
    static let loopInsertTokenLimit = 2048

    /// Whether storing `prompt` + `generated` tokens is bounded enough for
    /// the loop. An insert's work grows with the whole trajectory (building
    /// it, comparing the stored prefix with it: ~65 instructions a token
    /// in callgrind), and a token the tree lacks costs about five times that
    /// (spelling it, building its run, the generation's key). Weighted so,
    /// the bound is what a fresh `loopInsertTokenLimit`
    /// trajectory costs (~0.65 M instructions, as before), and a long
    /// conversation's next turn, its earlier turns cached, stays on the
    /// loop up to ~10 K tokens. A prefix evicted since the prompt's
    /// lookup makes it dearer than counted: rare, and still bounded.
    static func isShortEnoughForTheLoop(_ prompt: PromptRecord, generated: Int) -> Bool {
        let tokens = prompt.ids.count + generated
        let new = tokens - prompt.cachedCount
        return tokens + 4 * new <= 5 * loopInsertTokenLimit
    }

    public init(tokenizer: Tokenizer, configuration: RadixCache.Configuration, loop: EventLoop, logger: Logger) {
        self.tokenizer = tokenizer
        cache = RadixCache(configuration: configuration, tokenBytes: TokenizerBytes(tokenizer: tokenizer))
        encoder = PromptEncoder(cache: cache, tokenizer: tokenizer)
        idSpellings = IntegerSpellings(below: tokenizer.vocabularySize)
        writer = SerialOffload(loop: loop, threadName: "slime-writer")
        self.logger = logger
    }

    /// Counts prompt tokens served from the cache and tokenized afresh.
    func countServed(fromCache: Int, tokenized: Int) {
        tokensFromCache += fromCache
        tokensTokenized += tokenized
    }

    /// Stores finished generations, `outputs[i]` generated after
    /// `prompts[i]` (a prompt not recorded or an output not finished is
    /// not stored); `completion` runs on the loop once they are in the
    /// cache (answer the client only then, so that its next turn finds
    /// them). Each generation is named by the `rid` its client gave, else
    /// by the worker's `meta_info.id`. With cache-aware routing, `affinity`
    /// learns that `worker` produced each stored trajectory.
    func store(
        _ prompts: [PromptRecord?], _ outputs: [GeneratedOutput?], rids: [String?], servedBy worker: Worker?,
        recordingIn affinity: WorkerAffinity?, completion: @escaping () -> Void
    ) {
        let cache = cache, tokenizer = tokenizer
        // Hashing the stored text costs about as much as a short insert:
        // only cache-aware routing needs it.
        let recordsAffinity = affinity != nil && worker != nil
        // Handing an insert to the writer costs a wake-up of the writer and
        // one of the loop (two context switches when they share a core):
        // more than a short insert. So while the writer is idle (nothing
        // queued: no insert can run beside this one), the loop stores a
        // bounded one itself when the cache can do it quickly: no long
        // run split, no eviction, nothing large left to free (a split
        // 100K-token run, an eviction). The rest, in order, goes to the
        // writer, which also builds their arrays (long ones are costly);
        // one the loop built and the cache declined goes as it is. Prompts
        // are not gathered into a list first (copying one retains each of
        // its arrays): only those the writer stores are copied, into its list.
        var results: [Result<UInt64?, RadixCacheError>] = []
        results.reserveCapacity(prompts.count)
        var forTheWriter: [(prompt: PromptRecord, output: GeneratedOutput, generation: String)] = []
        var declined: GeneratedTrajectory?
        var loopStores = writer.queuedCount == 0
        for index in prompts.indices {
            guard let prompt = prompts[index] else { continue }
            guard let output = outputs[index] else {
                trajectoriesNotStored[.unfinished, default: 0] += 1
                continue
            }
            let generation = rids[index] ?? output.workerID ?? nextUnnamedGeneration()
            loopStores = loopStores && Self.isShortEnoughForTheLoop(prompt, generated: output.ids.count)
            guard loopStores else {
                forTheWriter.append((prompt, output, generation))
                continue
            }
            let trajectory = GeneratedTrajectory(prompt: prompt, output: output, generation: generation, tokenizer: tokenizer)
            let result = Self.insert(trajectory, into: cache, onlyIfQuick: true, recordsAffinity)
            if case .failure(.wouldNotBeQuick) = result {
                declined = trajectory
                loopStores = false
            } else {
                results.append(result)
            }
        }
        guard declined != nil || !forTheWriter.isEmpty else {
            return finishStoring(results, servedBy: worker, recordingIn: affinity, completion)
        }
        let declinedOnTheLoop = declined, rest = forTheWriter
        writer.submit(
            {
                let first = declinedOnTheLoop.map { [Self.insert($0, into: cache, onlyIfQuick: false, recordsAffinity)] } ?? []
                return first
                    + rest.map {
                        let trajectory = GeneratedTrajectory(
                            prompt: $0.prompt, output: $0.output, generation: $0.generation, tokenizer: tokenizer)
                        return Self.insert(trajectory, into: cache, onlyIfQuick: false, recordsAffinity)
                    }
            },
            then: { [self] written in
                finishStoring(results + written, servedBy: worker, recordingIn: affinity, completion)
            })
    }

    /// Stores one trajectory; returns its affinity key when `recordsAffinity`.
    private static func insert(
        _ trajectory: GeneratedTrajectory, into cache: RadixCache, onlyIfQuick: Bool, _ recordsAffinity: Bool
    ) -> Result<UInt64?, RadixCacheError> {
        do {
            try trajectory.insert(into: cache, onlyIfQuick: onlyIfQuick)
            var text = trajectory.text
            return .success(recordsAffinity ? text.withUTF8 { WorkerAffinity.key($0) } : nil)
        } catch {
            return .failure(error)
        }
    }

    private func finishStoring(
        _ results: [Result<UInt64?, RadixCacheError>], servedBy worker: Worker?, recordingIn affinity: WorkerAffinity?,
        _ completion: () -> Void
    ) {
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
