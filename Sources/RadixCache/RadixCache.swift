import Synchronization

/// A text-keyed cache of the exact tokens a model saw and produced.
///
/// ## Shape
///
/// A radix tree over tokens: each edge (a `Node`'s run) holds one or more
/// tokens with their log-probabilities, loss mask and the text they spell;
/// a node's children start with different tokens. Inserting walks by token
/// ids, so nodes split only at token boundaries and two tokenizations of the
/// same text (`Hel`+`lo` beside `Hello`) are two branches, each exact.
/// Matching walks by text: it compares each candidate child's text with the
/// rest of the query, finding candidates by their first token's leading
/// bytes (`ChildKey`), and keeps the longest match, ties to the most recent
/// (`PrefixSearch` states the rules at the match's end: character
/// boundaries, tokens omitted from the text). A node's children are sorted
/// by that key; past a few dozen they are kept in chunks (`ChildList`), so
/// that an insert under a node with thousands of children (the one after a
/// shared system prompt) copies one chunk rather than all of them.
///
/// The text is stored once per edge; per token the tree keeps 8 bytes (id
/// and flags in one word, a `Float` for the log-probability, with an exact
/// escape for other doubles) beside the text. Token bytes come from the
/// vocabulary through `TokenBytes` rather than as lengths passed with each
/// insert: the cache can then check that the tokens really spell the text
/// (the mistake it exists to prevent), and it needs no per-token byte
/// array, only a 6-bit length in each token's flags.
///
/// ## Concurrency
///
/// One writer at a time calls `insert` (the router's
/// writer thread, or its event loop while that thread is idle, handing over
/// through a lock); any thread calls `match` and `statistics`, lock-free,
/// never waiting for the writer. The single-writer rule is the caller's to
/// keep; debug builds stop at a second writer inside at once.
///
/// Published trees are immutable. An insert or eviction builds a new
/// version by path copying: nodes on the changed paths are replaced by new
/// nodes, everything else is shared. The new version is published as a
/// `Snapshot` with one atomic pointer exchange (`SnapshotCell`). A lookup
/// runs inside an announced section (two-epoch reclamation, proved in
/// `SnapshotCell`) on the version it loaded: nodes it walks cannot change,
/// and cannot be freed before it leaves, even if the writer has since
/// replaced or evicted them; its result is copied out before it leaves.
/// So it follows nodes without retaining them (no reference-count writes
/// to the nodes every reader shares). The writer drops a replaced snapshot
/// only once no reader can still be using it; Swift reference counting
/// then frees, in the writer, the nodes no newer version shares.
/// The only memory readers write are atomics: the `lastUsed` (LRU order)
/// of the last node of their match, and the lookup counters. So the read
/// path has no lock, and no data race.
///
/// ## Values belong to their generation
///
/// An insert goes through a node only as far as the node holds the same
/// tokens with the same values (log-probabilities bit for bit, loss mask)
/// and, for generated tokens, the same origin (`TokenOrigin`: generation
/// and weight version). Elsewhere it branches, so stored values are never
/// replaced: the samples of one prompt keep their own log-probabilities
/// even where they generated the same tokens, and a multi-turn
/// conversation, whose next prompt repeats the stored values exactly,
/// shares its earlier turns' nodes. A lookup by text alone returns one
/// trajectory (the most recent, among those matching equally far) and
/// `RadixMatch.lastGeneration` says whose; `MatchOptions.generation` asks
/// for one generation's.
///
/// Each stored token may be marked as its generation's tail: generated
/// after the end of the text its client got (a stop token, a trimmed stop
/// string). A trainer retrieving `prompt + text` gets it with
/// `MatchOptions.includesTails`.
///
/// ## Versions and eviction
///
/// Weight versions are strings ordered as `WeightVersion` says (numbers as
/// numbers; `"default"` and other words below every number). An insert
/// raises every node it goes through to its version (if newer). Over a
/// budget, `Eviction` removes leaves: first those older than the newest
/// version minus `versionWindow`, then the least recently used, but never
/// (with `keepsUnretrieved`) a trajectory not yet retrieved whose version is
/// not stale: if only those are left, the new trajectory is refused instead.
/// A reader's path is never taken from under it (it keeps the version it
/// loaded until it is done), and the insert that triggered an eviction
/// keeps its leaf.
public final class RadixCache: @unchecked Sendable {  // writer state is confined to one writer at a time
    /// The largest token id the cache stores: ids share 32 bits with
    /// per-token flags. Vocabularies are far smaller (Qwen: 151,669).
    public static let maxTokenID = TokenRun.maxTokenID

    public let configuration: Configuration
    private let vocabulary: SharedTokenBytes
    private let published: SnapshotCell<Snapshot>
    private let lookups = LookupCounters()
    /// Trajectories readers have marked retrieved: with a newer weight
    /// version, the only thing that makes a kept trajectory evictable.
    private let retrievals = Atomic<Int>(0)
    /// Whether a writer is inside `insert` (debug builds).
    private let writing = Atomic<Bool>(false)
    // Writer only.
    private var newest: Snapshot
    private var newestRank = WeightVersion.unnumberedRank
    /// Set by a refusal that left nothing evictable: the retrievals and the
    /// newest rank then. While both stay so and no stale trajectory is
    /// stored, nothing became evictable (inserts since only added kept
    /// trajectories), so an insert going over budget is refused at once:
    /// no eviction pass over the whole tree, and on the loop too
    /// (`onlyIfQuick`).
    private var fullSince: (retrievals: Int, rank: Int64)?
    /// The last insert's text offsets, for the next insert's trajectory to
    /// write in (see `Trajectory.init`): an allocation and a free less per
    /// insert. Kept only up to `spareOffsetsLimit` entries. Writer only:
    /// no dynamic exclusivity checks.
    @exclusivity(unchecked) private var spareTextOffsets: [Int] = []
    private static let spareOffsetsLimit = 4096

    public init(configuration: Configuration = Configuration(), tokenBytes: some TokenBytes) {
        self.configuration = configuration
        self.vocabulary = SharedTokenBytes(tokenBytes)
        self.newest = .empty()
        self.published = SnapshotCell(newest)
    }

    /// Stores a trajectory: its text, the exact tokens, their
    /// log-probabilities and loss mask (0 prompt, 1 generated), the weight
    /// version of the insert (what garbage collection goes by; nodes it goes
    /// through are raised to it), the origin of each generated token
    /// (`originRuns`, covering every token; without them, generated tokens
    /// go through stored ones of any origin where their values agree, and
    /// new ones come from an unnamed generation of `weightVersion`), and how many of
    /// the last tokens are the generation's tail. Writer only.
    ///
    /// `onlyIfQuick`, for a writer that must not stall (the event loop,
    /// while the writer thread is idle): the insert gives up, throwing
    /// `wouldNotBeQuick` with the cache unchanged, where it would split a
    /// run of more than `quickSplitLimit` tokens, or evict, or where the
    /// replaced versions its publication frees may be large (see
    /// `SnapshotCell.mayFreeSlowly`). Its work otherwise grows with the
    /// trajectory: the caller bounds that. Once only kept trajectories fill
    /// the budget, a trajectory going over it is refused at once, quick or
    /// not, until a retrieval or a newer version may have freed room.
    ///
    /// Throws if the lengths differ, the tokens do not spell the text, or
    /// there is no room for it (see `Configuration.keepsUnretrieved`).
    public func insert(
        text: String, tokens: [UInt32], logprobs: [Double], lossMask: [UInt8], weightVersion: String,
        originRuns: [TokenOriginRun]? = nil, tailCount: Int = 0, onlyIfQuick: Bool = false
    ) throws(RadixCacheError) {
        try asOnlyWriter { () throws(RadixCacheError) in
            // A full cache would have every insert evict (or be refused): give
            // up before the work rather than after it.
            if onlyIfQuick,
                published.mayFreeSlowly
                    || (!isStillFull(withRank: newestRank)
                        && mayGoOverBudget(addingTokens: tokens.count, textBytes: text.utf8.count))
            {
                throw .wouldNotBeQuick
            }
            let trajectory = try Trajectory(
                text: text, tokens: tokens, logprobs: logprobs, lossMask: lossMask, weightVersion: weightVersion,
                originRuns: originRuns, tailCount: tailCount, spareOffsets: &spareTextOffsets)
            try store(consume trajectory, quickly: onlyIfQuick)
        }
    }

    /// Runs longer than this make an insert slow: splitting one copies it
    /// (a 100K-token conversation), and so does freeing it later.
    static let quickSplitLimit = 1024

    /// Runs `body`, a writer's; in debug builds, stops the process if
    /// another writer is inside meanwhile (the caller broke the
    /// single-writer rule: the router's hand-off between its event loop and
    /// its writer thread, say). Relaxed: a check, not a lock.
    private func asOnlyWriter<Result>(_ body: () throws(RadixCacheError) -> Result) throws(RadixCacheError) -> Result {
        #if DEBUG
            precondition(!writing.exchange(true, ordering: .relaxed), "two writers in the radix cache at once")
            defer { writing.store(false, ordering: .relaxed) }
        #endif
        return try body()
    }

    /// Whether storing a trajectory could take the cache over a budget,
    /// counting all of it as new, at twice its bytes and 4 KB for its nodes
    /// (a generous estimate: the insert checks again).
    private func mayGoOverBudget(addingTokens tokens: Int, textBytes: Int) -> Bool {
        let ledger = newest.ledger
        return ledger.tokens + tokens > configuration.maxTokens
            || ledger.bytes + 16 * tokens + textBytes + 4096 > configuration.maxBytes
    }

    /// Stores `trajectory`; throws `wouldNotBeQuick`, the cache unchanged,
    /// if asked to be `quickly` and it would not be.
    /// Consumes `trajectory`: the insertion spells it in place, and a copy
    /// left here would make it copy the text offsets.
    private func store(_ trajectory: consuming Trajectory, quickly: Bool) throws(RadixCacheError) {
        let stamp = newest.clock + 1
        let rank = trajectory.version.rank
        var insertion = TreeInsertion(
            trajectory: consume trajectory, stamp: stamp, vocabulary: vocabulary.tokenBytes, ledger: newest.ledger,
            splitLimit: quickly ? Self.quickSplitLimit : nil)
        defer {
            if insertion.trajectory.textOffsets.count <= Self.spareOffsetsLimit {
                spareTextOffsets = insertion.trajectory.textOffsets
            }
        }
        var root: Node
        do {
            root = try insertion.apply(to: newest.root)
        } catch {
            switch error {
            case .refused(let refusal): throw refusal
            case .wouldSplitLongRun: throw .wouldNotBeQuick
            }
        }
        var ledger = insertion.ledger
        if isOverBudget(ledger) {
            if isStillFull(withRank: rank) { throw fullOfUnretrieved }
            if quickly { throw .wouldNotBeQuick }
        }
        newestRank = max(newestRank, rank)
        // A stale trajectory is evictable once stored: the cache is no
        // longer only kept ones.
        if rank < staleBelowRank { fullSince = nil }
        var evictedNodes = newest.evictedNodes, evictedTokens = newest.evictedTokens
        if isOverBudget(ledger) {
            // Read before the pass reads the marks (acquiring: the marks
            // counted are seen), so a retrieval during it counts as later.
            let retrievalsBefore = retrievals.load(ordering: .acquiring)
            var eviction = evicting(ledger: ledger, protectedStamp: stamp)
            root = eviction.apply(to: root)
            ledger = eviction.ledger
            evictedNodes += eviction.evictedNodes
            evictedTokens += eviction.evictedTokens
            fullSince = nil
            if isOverBudget(ledger), eviction.keptUnretrieved { try refuse(stamp: stamp, retrievals: retrievalsBefore) }
        }
        let evicted = evictedNodes > newest.evictedNodes
        newest = Snapshot(root: root, ledger: ledger, clock: stamp, evictedNodes: evictedNodes, evictedTokens: evictedTokens)
        published.publish(newest, replacedIsLarge: evicted || insertion.splitLongRun)
    }

    private func isOverBudget(_ ledger: Ledger) -> Bool {
        ledger.tokens > configuration.maxTokens || ledger.bytes > configuration.maxBytes
    }

    private func evicting(ledger: Ledger, protectedStamp: UInt64) -> Eviction {
        Eviction(
            maxTokens: Int(Double(configuration.maxTokens) * Configuration.evictionTarget),
            maxBytes: Int(Double(configuration.maxBytes) * Configuration.evictionTarget),
            staleBelowRank: staleBelowRank, protectedStamp: protectedStamp,
            keepsUnretrieved: configuration.keepsUnretrieved, ledger: ledger)
    }

    /// Versions ranked below this are stale: eviction takes them first,
    /// retrieved or not.
    private var staleBelowRank: Int64 {
        newestRank - Int64(clamping: max(0, configuration.versionWindow))
    }

    /// Whether the last refusal still holds for a trajectory of version
    /// `rank`: nothing retrieved since, no newer version (see `fullSince`).
    private func isStillFull(withRank rank: Int64) -> Bool {
        guard let fullSince else { return false }
        return max(newestRank, rank) == fullSince.rank && retrievals.load(ordering: .acquiring) == fullSince.retrievals
    }

    private var fullOfUnretrieved: RadixCacheError {
        .fullOfUnretrievedTrajectories(bytes: newest.ledger.bytes, tokens: newest.ledger.tokens)
    }

    /// Only trajectories that must be kept fill the budget: the tree without
    /// the new trajectory, but with what could be evicted gone, is published,
    /// and the insert is refused. `retrievals`: the count before the marks
    /// were read.
    private func refuse(stamp: UInt64, retrievals: Int) throws(RadixCacheError) {
        var eviction = evicting(ledger: newest.ledger, protectedStamp: 0)
        let root = eviction.apply(to: newest.root)
        if root !== newest.root {
            newest = Snapshot(
                root: root, ledger: eviction.ledger, clock: stamp, evictedNodes: newest.evictedNodes + eviction.evictedNodes,
                evictedTokens: newest.evictedTokens + eviction.evictedTokens)
            published.publish(newest, replacedIsLarge: true)
        }
        // It may have stopped at its target with leaves it could take left.
        if eviction.keepsEveryLeaf(of: newest.root) { fullSince = (retrievals, newestRank) }
        throw fullOfUnretrieved
    }

    /// How a lookup reads the tree: a prompt's (the defaults) or a trainer's.
    public struct MatchOptions: Sendable {
        /// Only matches holding tokens this generation produced (its request id).
        public var generation: String?
        /// A text ending where a generation's client text ended gets the
        /// generation's tail too: its stop token, a trimmed stop string.
        public var includesTails: Bool
        /// The trajectory the match ends with counts as retrieved: eviction
        /// may take it from now on (see `Configuration.keepsUnretrieved`).
        public var marksRetrieved: Bool

        public init(generation: String? = nil, includesTails: Bool = false, marksRetrieved: Bool = false) {
            self.generation = generation
            self.includesTails = includesTails
            self.marksRetrieved = marksRetrieved
        }

        /// What a trainer's retrieval asks: tails, marking, perhaps one generation.
        public static func retrieval(generation: String? = nil) -> MatchOptions {
            MatchOptions(generation: generation, includesTails: true, marksRetrieved: true)
        }
    }

    /// The longest cached prefix of `text` that ends on a token boundary
    /// (see `RadixMatch`; an empty text is a miss). Any thread, lock-free.
    public func match(_ text: String, options: MatchOptions = MatchOptions()) -> RadixMatch {
        var text = text
        return text.withUTF8 { match(utf8: $0, options: options) }
    }

    /// The longest cached prefix of UTF-8 `text`. Any thread, lock-free.
    public func match(utf8 text: UnsafeBufferPointer<UInt8>, options: MatchOptions = MatchOptions()) -> RadixMatch {
        // Everything that touches nodes happens inside `read`, so a lookup
        // never holds the last reference to a replaced version.
        let match = published.read { snapshot in
            PrefixSearch.searching(text, options: options, vocabulary: vocabulary, from: snapshot.root) { search in
                search.bestLastNode?._withUnsafeGuaranteedRef { node in
                    node.markUsed(Node.usedByReader(after: snapshot.clock))
                    if options.marksRetrieved, node.isTerminal, search.best?.lastNodeTokenCount == node.run.count,
                        node.markRetrieved()
                    {
                        // Releasing: a writer that sees the count sees the mark.
                        retrievals.wrappingAdd(1, ordering: .releasing)
                    }
                }
                return RadixMatch(search)
            }
        }
        lookups.record(match)
        return match
    }

    /// Any thread.
    public var statistics: RadixCacheStatistics {
        let (ledger, evictedNodes, evictedTokens) = published.read { ($0.ledger, $0.evictedNodes, $0.evictedTokens) }
        return RadixCacheStatistics(
            entries: ledger.entries, nodes: ledger.nodes, cachedTokens: ledger.tokens, bytesUsed: ledger.bytes,
            hits: lookups.hits.load(ordering: .relaxed), misses: lookups.misses.load(ordering: .relaxed),
            hitTokens: lookups.hitTokens.load(ordering: .relaxed),
            evictedNodes: evictedNodes, evictedTokens: evictedTokens)
    }

    /// The newest snapshot, for tests that check the tree itself.
    var currentSnapshot: Snapshot { published.load() }
}
