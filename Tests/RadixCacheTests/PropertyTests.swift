import Testing
import TestSupport
@testable import RadixCache

/// Random trajectories and lookups, the tree checked against `ReferenceModel`.
@Suite struct PropertyTests {
    static let seeds: [UInt64] = Array(1...12)

    @Test(arguments: seeds) func matchesAgreeWithTheReferenceModel(seed: UInt64) throws {
        var check = ModelCheck(random: SeededGenerator(seed: seed))
        for _ in 0..<40 {
            let mismatches = try check.round()
            #expect(mismatches.isEmpty, "seed \(seed): \(mismatches.first ?? "")")
            checkTree(of: check.cache)
        }
    }

    @Test(arguments: seeds) func evictionKeepsTheTreeValidAndMatchesAmongStoredPrefixes(seed: UInt64) throws {
        let configuration = RadixCache.Configuration(
            maxTokens: seed % 2 == 0 ? 60 : 1_000, maxBytes: seed % 2 == 0 ? 1 << 20 : 3_000, versionWindow: 2,
            keepsUnretrieved: false)
        var check = ModelCheck(random: SeededGenerator(seed: seed), configuration: configuration)
        for _ in 0..<40 {
            let mismatches = try check.round()
            #expect(mismatches.isEmpty, "seed \(seed): \(mismatches.first ?? "")")
            checkTree(of: check.cache)
            let trajectory = check.model.stored.last!
            #expect(check.cache.statistics.cachedTokens <= max(configuration.maxTokens, trajectory.tokens.count), "seed \(seed)")
            // The trajectory just inserted is never evicted, and is the latest holder of all its tokens.
            let justInserted = Expected(check.cache.match(String(decoding: trajectory.text, as: UTF8.self)))
            #expect(justInserted.tokens == trajectory.tokens, "seed \(seed)")
            #expect(justInserted.logprobs == trajectory.logprobs.map(\.bitPattern), "seed \(seed)")
            #expect(justInserted.lossMask == trajectory.lossMask, "seed \(seed)")
        }
        #expect(check.cache.statistics.evictedNodes > 0, "seed \(seed): the budget was never reached")
    }

    /// With `keepsUnretrieved`, a trajectory not yet retrieved, from a
    /// version in the window, is always there whole; retrieved ones may go,
    /// and an insert is refused only while the kept ones fill the budget.
    @Test(arguments: seeds) func unretrievedTrajectoriesAreKeptUntilRetrievedOrStale(seed: UInt64) throws {
        var generator = TrajectoryGenerator(seed: seed)
        let configuration = RadixCache.Configuration(maxTokens: 80, maxBytes: 1 << 20, versionWindow: 2)
        let cache = RadixCache(configuration: configuration, tokenBytes: TestVocabulary.shared)
        var model = ReferenceModel()
        var kept: [ReferenceModel.Stored] = []
        var refusals = 0
        var newest = WeightVersion.unnumberedRank
        for _ in 0..<60 {
            let trajectory = generator.next(after: model.stored)
            newest = max(newest, WeightVersion(trajectory.version).rank)
            do {
                try trajectory.insert(into: cache, quickly: Bool.random(using: &generator.random))
                model.insert(trajectory)
                kept.append(trajectory)
            } catch RadixCacheError.fullOfUnretrievedTrajectories {
                refusals += 1
                #expect(cache.statistics.cachedTokens + trajectory.tokens.count > configuration.maxTokens, "seed \(seed)")
            }
            checkTree(of: cache)
            kept.removeAll { WeightVersion($0.version).rank < newest - 2 }
            for trajectory in kept {
                let found = cache.match(String(decoding: trajectory.text, as: UTF8.self), options: .init(includesTails: true))
                #expect(found.matchedByteCount == trajectory.text.count, "seed \(seed): an unretrieved trajectory lost")
            }
            // The trainer fetches one now and then: what it got (that
            // trajectory, or one sharing its text) and every prefix of it
            // with the same values may go from then on.
            if let fetched = kept.randomElement(using: &generator.random), Bool.random(using: &generator.random) {
                let got = Expected(cache.match(String(decoding: fetched.text, as: UTF8.self), options: .retrieval()))
                kept.removeAll { trajectory in
                    got.tokens.starts(with: trajectory.tokens) && got.logprobs.starts(with: trajectory.logprobs.map(\.bitPattern))
                        && got.lossMask.starts(with: trajectory.lossMask)
                        && got.weightVersions.starts(with: trajectory.origins.map(\.weightVersion))
                }
            }
        }
        #expect(refusals > 0 || cache.statistics.evictedNodes > 0, "seed \(seed): the budget was never reached")
    }

    /// The ledger agrees with a recount, and the tree is a radix tree:
    /// non-empty edges, children sorted by key, and two children starting
    /// with one token only where that token's values or origin differ.
    private func checkTree(of cache: RadixCache) {
        let snapshot = cache.currentSnapshot
        #expect(Ledger.counting(snapshot.root) == snapshot.ledger)
        var pending = [snapshot.root]
        while let node = pending.popLast() {
            let keys = node.children.map(\.key)
            #expect(keys == node.children.map(\.node.key))
            #expect(keys == keys.sorted())
            let firsts = node.children.map { child in
                let run = child.node.run
                let origin = run.flags(at: 0).lossMask == 1 ? child.node.origin : .prompt
                return
                    "\(run.token(at: 0)) \(child.key == ChildKey.omitted) \(run.logprob(at: 0).bitPattern) \(run.flags(at: 0).lossMask) \(origin)"
            }
            #expect(Set(firsts).count == firsts.count)
            for child in node.children.map(\.node) {
                #expect(child.run.count > 0)
                #expect(child.stamp <= node.stamp || node === snapshot.root)
            }
            pending.append(contentsOf: node.children.map(\.node))
        }
    }
}
