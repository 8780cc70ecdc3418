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

        /// Once over a budget, eviction goes down to this share of both, so a
        /// full cache does not scan its leaves on every insert.
        public static let evictionTarget = 0.9

        public init(maxTokens: Int = 10_000_000, maxBytes: Int = 256 << 20, versionWindow: Int = 5) {
            self.maxTokens = maxTokens
            self.maxBytes = maxBytes
            self.versionWindow = versionWindow
        }
    }
}
