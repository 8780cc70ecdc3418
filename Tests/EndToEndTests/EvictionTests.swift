import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// A small `--cache-max-tokens`: once over budget, entries of stale
    /// weight versions go first (versions compare as numbers), then the
    /// least recently used among those the trainer has retrieved. One not
    /// retrieved yet, of a version not stale, is never evicted: a new
    /// trajectory is refused instead, and says so.
    @Suite struct Eviction {
        /// Every trajectory is this many tokens: its prompt plus what the worker generates.
        static let trajectoryTokens = 40
        /// Plain texts with different first words: no shared prefix, so each
        /// trajectory is one leaf of its own.
        static let prompts = [
            "Alpha tells a story about the sea.", "Bravo counts the stars at night.",
            "Charlie paints the old barn red.", "Delta writes letters to friends.", "Echo hums a tune in the rain.",
        ]

        struct Entry {
            let text: String
            let tokens: Int
        }

        /// Generates a trajectory of `trajectoryTokens` tokens for `prompt` with weight `version`.
        static func insert(_ prompt: String, version: String, cluster: Cluster) throws -> Entry {
            try cluster.workers[0].configure(["weight_version": version])
            let promptTokens = cluster.tokenizer.ids(prompt).count
            let response = try cluster.router.post(
                "/generate",
                json: [
                    "text": prompt, "sampling_params": ["max_new_tokens": trajectoryTokens - promptTokens],
                ] as [String: Any])
            try #require(response.status == 200)
            let (ids, text, _, reported, _) = try Turn.generation(try jsonObject(response))
            #expect(reported == version)
            return Entry(text: prompt + text, tokens: promptTokens + ids.count)
        }

        /// A budget that holds three trajectories; a fourth makes the cache
        /// evict down to 90 %, which takes two.
        static func budgetArguments() -> [String] { ["--cache-max-tokens", String(3 * trajectoryTokens)] }

        static func expectEvicted(
            _ entries: [Entry], kept: [Entry], cluster: Cluster,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            #expect(
                try cluster.router.cacheMetric("evicted_tokens") == Double(entries.reduce(0) { $0 + $1.tokens }),
                sourceLocation: sourceLocation)
            for entry in entries {
                let retrieved = try cluster.router.retrieve(entry.text)
                #expect(
                    !retrieved.cacheHit && retrieved.cachedTokens == 0, "\(entry.text) should be evicted",
                    sourceLocation: sourceLocation)
            }
            for entry in kept {
                let retrieved = try cluster.router.retrieve(entry.text)
                #expect(
                    retrieved.cacheHit && retrieved.cachedTokens == entry.tokens, "\(entry.text) should be kept",
                    sourceLocation: sourceLocation)
            }
        }

        /// Version "10" is inserted first (least recently used), then two of
        /// version "4", then "10" again: with k = 5, "4" is stale (4 < 10 - 5)
        /// and goes before the older "10". Compared as strings, "4" > "10"
        /// and the old "10" would go instead.
        @Test func staleVersionsAreEvictedFirstComparedAsNumbers() throws {
            let cluster = try Cluster(workers: 1, Self.budgetArguments() + ["--gc-threshold-k", "5"])
            let oldNewest = try Self.insert(Self.prompts[2], version: "10", cluster: cluster)
            let staleA = try Self.insert(Self.prompts[0], version: "4", cluster: cluster)
            let staleB = try Self.insert(Self.prompts[1], version: "4", cluster: cluster)
            #expect(try cluster.router.cacheMetric("evicted_tokens") == 0)
            #expect(try cluster.router.cacheMetric("cur_cache_size") == Double(3 * Self.trajectoryTokens))
            let newest = try Self.insert(Self.prompts[3], version: "10", cluster: cluster)
            try Self.expectEvicted([staleA, staleB], kept: [oldNewest, newest], cluster: cluster)
            #expect(try cluster.router.cacheMetric("cur_cache_size") == Double(2 * Self.trajectoryTokens))
        }

        /// Equal versions: the least recently used of the retrieved go, and
        /// reading an entry counts as using it. (A lookup counts as later than
        /// the inserts before it, so the reads are spaced by one.)
        @Test func leastRecentlyUsedGoesFirstWhenVersionsAreEqual() throws {
            let cluster = try Cluster(workers: 1, ["--cache-max-tokens", String(4 * Self.trajectoryTokens)])
            var entries = try (0..<3).map { try Self.insert(Self.prompts[$0], version: "3", cluster: cluster) }
            for entry in entries { #expect(try cluster.router.retrieve(entry.text).cachedTokens == entry.tokens) }
            entries.append(try Self.insert(Self.prompts[3], version: "3", cluster: cluster))
            for entry in [entries[0], entries[3]] {  // the first is now more recent than the second and third
                #expect(try cluster.router.retrieve(entry.text).cachedTokens == entry.tokens)
            }
            let fifth = try Self.insert(Self.prompts[4], version: "3", cluster: cluster)
            try Self.expectEvicted([entries[1], entries[2]], kept: [entries[0], entries[3], fifth], cluster: cluster)
        }

        /// Nothing retrieved, nothing stale: the fourth trajectory is not
        /// stored (the client is still answered), the refusal is counted, and
        /// the trainer's retrieval says the text is not exact.
        @Test func unretrievedTrajectoriesAreKeptAndANewOneIsRefusedLoudly() throws {
            let cluster = try Cluster(workers: 1, Self.budgetArguments())
            let kept = try (0..<3).map { try Self.insert(Self.prompts[$0], version: "3", cluster: cluster) }
            let refused = try Self.insert(Self.prompts[3], version: "3", cluster: cluster)
            #expect(try cluster.router.cacheMetric("evicted_tokens") == 0)
            let reasons = try cluster.router.metricsJSON()["cache"] as? [String: Any]
            #expect(number((reasons?["trajectories_not_stored_by_reason"] as? [String: Any])?["cache_full"]) == 1)
            let lost = try cluster.router.retrieve(refused.text)
            #expect(!lost.exact && lost.retokenizedTokens == lost.tokens.count && !lost.cacheHit)
            for entry in kept {
                let retrieved = try cluster.router.retrieve(entry.text)
                #expect(retrieved.exact && retrieved.cachedTokens == entry.tokens, "\(entry.text) should be kept")
            }
            // Retrieved now: the next one evicts the least recently used of them.
            _ = try Self.insert(Self.prompts[3], version: "3", cluster: cluster)
            #expect(try cluster.router.cacheMetric("evicted_tokens") ?? 0 > 0)
            #expect(
                eventually(timeout: 10) { cluster.router.process.standardError.contains("trajectories not cached") },
                "the refusal is logged")
        }

        /// `--evict-unretrieved`: plain LRU for deployments whose trainer never retrieves.
        @Test func evictUnretrievedMakesItPlainLeastRecentlyUsed() throws {
            let cluster = try Cluster(workers: 1, Self.budgetArguments() + ["--evict-unretrieved"])
            let first = try Self.insert(Self.prompts[0], version: "3", cluster: cluster)
            let second = try Self.insert(Self.prompts[1], version: "3", cluster: cluster)
            let third = try Self.insert(Self.prompts[2], version: "3", cluster: cluster)
            let fourth = try Self.insert(Self.prompts[3], version: "3", cluster: cluster)
            try Self.expectEvicted([first, second], kept: [third, fourth], cluster: cluster)
        }
    }
}
