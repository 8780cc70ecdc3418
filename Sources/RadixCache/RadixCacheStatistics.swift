/// Counts of a `RadixCache`. The tree's counts come from one snapshot and
/// agree with each other; lookup counts are added by readers as they go.
public struct RadixCacheStatistics: Sendable, Equatable {
    /// Stored trajectories whose end is still cached.
    public var entries: Int
    /// Tree nodes, the root included.
    public var nodes: Int
    public var cachedTokens: Int
    /// Heap bytes of the live tree: nodes, tokens, text, log-probabilities.
    public var bytesUsed: Int
    /// Lookups that matched at least one token.
    public var hits: Int
    public var misses: Int
    /// Tokens handed out by lookups.
    public var hitTokens: Int
    public var evictedNodes: Int
    public var evictedTokens: Int

    public var hitRate: Double {
        hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses)
    }
}
