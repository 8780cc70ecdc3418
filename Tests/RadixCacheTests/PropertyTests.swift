import Testing
@testable import RadixCache

/// Random trajectories and lookups, the tree checked against `ReferenceModel`.
@Suite struct PropertyTests {
    static let seeds: [UInt64] = Array(1...12)

    @Test(arguments: seeds) func matchesAgreeWithTheReferenceModel(seed: UInt64) throws {
        var generator = TrajectoryGenerator(seed: seed)
        let cache = RadixCache(tokenBytes: TestVocabulary.shared)
        var model = ReferenceModel()
        for _ in 0..<40 {
            let trajectory = generator.next(after: model.stored)
            try insert(trajectory, into: cache)
            model.insert(trajectory)
            checkTree(of: cache)
            for _ in 0..<5 {
                let query = generator.query(from: model.stored)
                expect(cache.match(query), equals: model.match(Array(query.utf8)), query: query, seed: seed)
            }
        }
    }

    @Test(arguments: seeds) func evictionKeepsTheTreeValidAndMatchesAmongStoredPrefixes(seed: UInt64) throws {
        var generator = TrajectoryGenerator(seed: seed)
        let configuration = RadixCache.Configuration(
            maxTokens: seed % 2 == 0 ? 60 : 1_000, maxBytes: seed % 2 == 0 ? 1 << 20 : 3_000, versionWindow: 2)
        let cache = RadixCache(configuration: configuration, tokenBytes: TestVocabulary.shared)
        var model = ReferenceModel()
        for _ in 0..<40 {
            let trajectory = generator.next(after: model.stored)
            try insert(trajectory, into: cache)
            model.insert(trajectory)
            checkTree(of: cache)
            let statistics = cache.statistics
            #expect(statistics.cachedTokens <= max(configuration.maxTokens, trajectory.tokens.count), "seed \(seed)")
            // The trajectory just inserted is never evicted, and is the latest holder of all its tokens.
            let justInserted = cache.match(String(decoding: trajectory.text, as: UTF8.self))
            #expect(Array(justInserted.tokens) == trajectory.tokens, "seed \(seed)")
            #expect(justInserted.logprobs.map { $0.bitPattern } == trajectory.logprobs.map { $0.bitPattern }, "seed \(seed)")
            #expect(Array(justInserted.lossMask) == trajectory.lossMask, "seed \(seed)")
            checkIsStoredPrefix(justInserted, of: trajectory.text, in: model, seed: seed)
            for _ in 0..<5 {
                let query = generator.query(from: model.stored)
                checkIsStoredPrefix(cache.match(query), of: Array(query.utf8), in: model, seed: seed)
            }
        }
        #expect(cache.statistics.evictedNodes > 0, "seed \(seed): the budget was never reached")
    }

    private func insert(_ trajectory: ReferenceModel.Stored, into cache: RadixCache) throws {
        try cache.insert(
            text: String(decoding: trajectory.text, as: UTF8.self), tokens: trajectory.tokens,
            logprobs: trajectory.logprobs, lossMask: trajectory.lossMask, weightVersion: trajectory.version)
    }

    private func expect(_ match: RadixMatch, equals expected: ReferenceModel.Expected, query: String, seed: UInt64) {
        let context: Comment = "seed \(seed), query \(Array(query.utf8))"
        #expect(Array(match.tokens) == expected.tokens, context)
        #expect(match.matchedByteCount == expected.matchedByteCount, context)
        #expect(match.logprobs.map { $0.bitPattern } == expected.logprobs.map { $0.bitPattern }, context)
        #expect(Array(match.lossMask) == expected.lossMask, context)
        #expect(match.weightVersions == expected.weightVersions, context)
    }

    /// After evictions the tree holds a subset of the model: a match must
    /// be one of the model's candidates, with the model's values for it.
    private func checkIsStoredPrefix(_ match: RadixMatch, of query: [UInt8], in model: ReferenceModel, seed: UInt64) {
        if match.isMiss { return }
        let candidate = model.candidates(for: query).first { candidate in
            candidate.bytes == match.matchedByteCount && candidate.count == match.tokenCount
                && model.stored[candidate.trajectory].tokens.prefix(candidate.count).elementsEqual(match.tokens)
        }
        guard let candidate else {
            Issue.record("seed \(seed): \(match.tokens) is no stored prefix of \(query)")
            return
        }
        let expected = model.expected(trajectory: candidate.trajectory, count: candidate.count)
        #expect(match.logprobs.map { $0.bitPattern } == expected.logprobs.map { $0.bitPattern }, "seed \(seed)")
        #expect(Array(match.lossMask) == expected.lossMask, "seed \(seed)")
        // A node rebuilt after an eviction may have forgotten which insert
        // came first, so check only that each version is that of a holder
        // whose values the token has: the version that produced them.
        for (position, version) in match.weightVersions.enumerated() {
            let holders = model.holders(of: candidate.trajectory, count: position + 1)
            #expect(holders.contains { holder in
                model.stored[holder].version == version
                    && model.stored[holder].logprobs[position].bitPattern == match.logprobs[position].bitPattern
                    && model.stored[holder].lossMask[position] == match.lossMask[position]
            }, "seed \(seed)")
        }
    }

    /// The ledger agrees with a recount, and the tree is a radix tree:
    /// non-empty edges, children sorted by key and told apart by first token.
    private func checkTree(of cache: RadixCache) {
        let snapshot = cache.currentSnapshot
        #expect(Ledger.counting(snapshot.root) == snapshot.ledger)
        var pending = [snapshot.root]
        while let node = pending.popLast() {
            let keys = node.children.map(\.key)
            #expect(keys == node.children.map(\.node.key))
            #expect(keys == keys.sorted())
            let firsts = node.children.map { [$0.node.run.token(at: 0), $0.key == ChildKey.omitted ? 1 : 0] }
            #expect(Set(firsts).count == firsts.count)
            for child in node.children.map(\.node) {
                #expect(child.run.count > 0)
                #expect(child.stamp <= node.stamp || node === snapshot.root)
            }
            pending.append(contentsOf: node.children.map(\.node))
        }
    }
}
