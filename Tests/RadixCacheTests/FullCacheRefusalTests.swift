import Testing
@testable import RadixCache

/// A cache full of trajectories nobody has retrieved refuses new ones. Once
/// a refusal left nothing evictable, the next trajectory going over the
/// budget is refused at once (on the event loop too: `onlyIfQuick`), until a
/// retrieval or a newer weight version may have made room.
@Suite struct FullCacheRefusalTests {
    let vocabulary = TestVocabulary.shared

    enum Outcome: Equatable {
        case stored, notQuick, full
    }

    func cache() -> RadixCache {
        RadixCache(configuration: .init(maxTokens: 12, versionWindow: 0, keepsUnretrieved: true), tokenBytes: vocabulary)
    }

    func insert(_ text: String, into cache: RadixCache, version: String = "1", quickly: Bool = false) throws -> Outcome {
        let tokens = vocabulary.bytewise(text)
        do {
            try cache.insert(
                text: text, tokens: tokens, logprobs: tokens.map { _ in -0.5 }, lossMask: tokens.map { _ in 1 },
                weightVersion: version, onlyIfQuick: quickly)
            return .stored
        } catch .wouldNotBeQuick {
            return .notQuick
        } catch .fullOfUnretrievedTrajectories {
            return .full
        }
    }

    /// Two kept trajectories, then one that does not fit: refused.
    func fill(_ cache: RadixCache) throws {
        #expect(try insert("aaaa", into: cache) == .stored)
        #expect(try insert("bbbb", into: cache) == .stored)
        #expect(try insert("cccccc", into: cache) == .full)
    }

    @Test func refusesAtOnceWhileNothingBecameEvictable() throws {
        let cache = cache()
        try fill(cache)
        let before = cache.statistics
        #expect(try insert("dddddd", into: cache, quickly: true) == .full)
        #expect(try insert("dddddd", into: cache) == .full)
        #expect(cache.statistics == before)
        // What fits is stored, quickly; what does not is still refused.
        #expect(try insert("ee", into: cache, quickly: true) == .stored)
        #expect(try insert("ffff", into: cache, quickly: true) == .full)
        #expect(cache.match("aaaa").tokenCount == 4 && cache.match("bbbb").tokenCount == 4)
    }

    @Test func aRetrievalMakesRoomAgain() throws {
        let cache = cache()
        try fill(cache)
        #expect(cache.match("aaaa", options: .retrieval()).tokenCount == 4)
        #expect(try insert("dddddd", into: cache, quickly: true) == .notQuick)
        #expect(try insert("dddddd", into: cache) == .stored)
        #expect(cache.match("aaaa").tokenCount == 0)
        #expect(cache.match("bbbb").tokenCount == 4)
    }

    /// A lookup that does not retrieve makes no room.
    @Test func aPromptLookupMakesNoRoom() throws {
        let cache = cache()
        try fill(cache)
        #expect(cache.match("aaaa").tokenCount == 4)
        #expect(try insert("dddddd", into: cache, quickly: true) == .full)
    }

    @Test func aNewerVersionMakesRoomAgain() throws {
        let cache = cache()
        try fill(cache)
        #expect(try insert("dddddd", into: cache, version: "2", quickly: true) == .notQuick)
        #expect(try insert("dddddd", into: cache, version: "2") == .stored)
        #expect(cache.match("dddddd").tokenCount == 6)
    }

    /// A trajectory of a stale version stored while full is evictable at
    /// once: the next one going over the budget evicts it, as without the
    /// earlier refusal, and is stored.
    @Test func aStaleTrajectoryStoredMakesRoomAgain() throws {
        let cache = cache()
        #expect(try insert("aaaa", into: cache, version: "2") == .stored)
        #expect(try insert("bbbb", into: cache, version: "2") == .stored)
        #expect(try insert("cccccc", into: cache, version: "2") == .full)
        // Version 1 is stale beside 2 (no window): 10 stored, evictable.
        #expect(try insert("ee", into: cache, version: "1") == .stored)
        // 14 over 12: evicting "ee" leaves 12, within the budget.
        #expect(try insert("ffff", into: cache, version: "2") == .stored)
        #expect(cache.match("ee").tokenCount == 0)
        #expect(cache.match("ffff").tokenCount == 4)
        #expect(cache.match("aaaa").tokenCount == 4 && cache.match("bbbb").tokenCount == 4)
    }

    /// A refusal whose eviction stopped at its target, with a retrieved
    /// trajectory left, does not hold: a smaller trajectory fits once that
    /// one is evicted.
    @Test func aRefusalLeavingSomethingEvictableDoesNotHold() throws {
        let cache = cache()
        #expect(try insert("aaaa", into: cache) == .stored)
        #expect(try insert("bbbbbb", into: cache) == .stored)
        #expect(cache.match("aaaa", options: .retrieval()).tokenCount == 4)
        // 10 stored; 10 + 8 - 4 is still over 12: refused, and the
        // refusal's own eviction (down to 10.8, from 10) takes nothing.
        #expect(try insert("cccccccc", into: cache) == .full)
        #expect(cache.match("aaaa").tokenCount == 4)
        #expect(try insert("ddddd", into: cache) == .stored)
        #expect(cache.match("aaaa").tokenCount == 0)
    }
}
