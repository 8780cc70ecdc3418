import Synchronization

/// Lookup counts, added to by reader threads without locks.
final class LookupCounters: Sendable {
    let hits = Atomic<Int>(0)
    let misses = Atomic<Int>(0)
    let hitTokens = Atomic<Int>(0)

    func record(_ match: RadixMatch) {
        if match.isMiss {
            misses.wrappingAdd(1, ordering: .relaxed)
        } else {
            hits.wrappingAdd(1, ordering: .relaxed)
        }
        hitTokens.wrappingAdd(match.tokenCount, ordering: .relaxed)
    }
}
