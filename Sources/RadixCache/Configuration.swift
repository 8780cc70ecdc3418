extension RadixCache {
    /// Budgets and garbage-collection window.
    public struct Configuration: Sendable, Equatable {
        /// Cached tokens allowed before eviction.
        public var maxTokens: Int
        /// Heap bytes (`RadixCacheStatistics.bytesUsed`) allowed before eviction.
        public var maxBytes: Int
        /// k: entries whose weight version is older than the newest minus k
        /// are evicted first (a negative k counts as 0).
        public var versionWindow: Int
        /// Whether eviction keeps trajectories nobody has retrieved yet
        /// (see `MatchOptions.marksRetrieved`) until their version is stale.
        /// A trajectory not yet fetched by the trainer is training data:
        /// when only such trajectories fill the budget, a new trajectory is
        /// refused (`RadixCacheError.fullOfUnretrievedTrajectories`) rather
        /// than one of them silently dropped. Off, eviction is plain LRU.
        public var keepsUnretrieved: Bool

        /// Once over a budget, eviction goes down to this share of both, so a
        /// full cache does not scan its leaves on every insert.
        public static let evictionTarget = 0.9

        public init(
            maxTokens: Int = 10_000_000, maxBytes: Int = 256 << 20, versionWindow: Int = 5, keepsUnretrieved: Bool = true
        ) {
            self.maxTokens = maxTokens
            self.maxBytes = maxBytes
            self.versionWindow = versionWindow
            self.keepsUnretrieved = keepsUnretrieved
        }
    }
}
