@testable import RadixCache

/// The cache's semantics in the plainest terms: a list of every inserted
/// trajectory, searched exhaustively. Property tests compare the tree with it.
///
/// A match is a prefix of one stored trajectory, with that trajectory's own
/// values: trajectories share a prefix only where they agree on every
/// token's id, presence in the text, values and (generated tokens) origin.
struct ReferenceModel {
    struct Stored {
        let text: [UInt8]
        let tokens: [UInt32]
        /// Each token's byte length in the text (0: omitted from it).
        let lengths: [Int]
        let logprobs: [Double]
        let lossMask: [UInt8]
        let version: String
        /// Each token's origin (`TokenOrigin.prompt` for prompt tokens).
        let origins: [TokenOrigin]
        let tailCount: Int

        var offsets: [Int] { lengths.reduce(into: [0]) { $0.append($0.last! + $1) } }

        var originRuns: [TokenOriginRun] {
            origins.reduce(into: []) { $0.append($1, count: 1) }
        }

        /// Stores it as the router does: `quickly`, only if quick where
        /// the cache calls that quick (on the event loop), else as the
        /// writer thread does.
        func insert(into cache: RadixCache, quickly: Bool = false) throws {
            do {
                try insert(into: cache, onlyIfQuick: quickly)
            } catch .wouldNotBeQuick {
                try insert(into: cache, onlyIfQuick: false)
            }
        }

        private func insert(into cache: RadixCache, onlyIfQuick: Bool) throws(RadixCacheError) {
            try cache.insert(
                text: String(decoding: text, as: UTF8.self), tokens: tokens, logprobs: logprobs, lossMask: lossMask,
                weightVersion: version, originRuns: originRuns, tailCount: tailCount, onlyIfQuick: onlyIfQuick)
        }

        /// Whether this trajectory marks token `position` as its tail.
        func isTail(at position: Int) -> Bool { position >= tokens.count - tailCount }

        /// Whether `other`'s first `count` tokens are this one's, with the same values and origins.
        func agrees(with other: Stored, count: Int) -> Bool {
            guard count <= tokens.count, count <= other.tokens.count else { return false }
            return (0..<count).allSatisfy { index -> Bool in
                let sameToken = tokens[index] == other.tokens[index] && (lengths[index] == 0) == (other.lengths[index] == 0)
                let sameValues: Bool =
                    logprobs[index].bitPattern == other.logprobs[index].bitPattern
                    && lossMask[index] == other.lossMask[index]
                return sameToken && sameValues && origins[index] == other.origins[index]
            }
        }
    }

    struct Expected: Equatable {
        var tokens: [UInt32] = []
        var logprobs: [UInt64] = []
        var lossMask: [UInt8] = []
        var weightVersions: [String] = []
        var matchedByteCount = 0
        var lastGeneration: String?
    }

    /// A possible match: the first `count` tokens of a stored trajectory,
    /// covering `bytes` of the query, ranked by `rank` (higher wins).
    struct Candidate {
        let trajectory: Int
        let count: Int
        let bytes: Int
        /// Bytes, recency of the last token (of the one before the tail for
        /// a tail), token count, recency of the tail's first token.
        let rank: [Int]
    }

    private(set) var stored: [Stored] = []

    mutating func insert(_ trajectory: Stored) { stored.append(trajectory) }

    /// The trajectories, in insert order, that hold the first `count` tokens of trajectory `index`.
    func holders(of index: Int, count: Int) -> [Int] {
        stored.indices.filter { stored[$0].agrees(with: stored[index], count: count) }
    }

    /// The latest holder of a prefix: what the tree's stamps say. (Count 0: the latest insert.)
    private func latestHolder(of index: Int, _ count: Int) -> Int {
        count == 0 ? stored.count - 1 : holders(of: index, count: count).last!
    }

    /// How the tree may mark token `position` of trajectory `index`: as a
    /// tail (`true`), or not (`false`). The trajectory that stored the token
    /// marked it, and later ones sharing it leave the mark alone. Without
    /// eviction that is the first holder; after it, any holder may have
    /// stored the token again.
    func tailMarks(_ index: Int, _ position: Int, afterEviction: Bool) -> Set<Bool> {
        let holders = holders(of: index, count: position + 1)
        return Set((afterEviction ? holders : [holders[0]]).map { stored[$0].isTail(at: position) })
    }

    /// With `afterEviction`, every match the tree may give once eviction has
    /// taken any nodes (and later inserts stored some again); without, the
    /// matches it may rank.
    func candidates(
        for query: [UInt8], options: RadixCache.MatchOptions = .init(), afterEviction: Bool = false
    ) -> [Candidate] {
        let all = stored.indices.flatMap { index in
            plainCandidates(of: index, query)
                + (options.includesTails ? tailCandidates(of: index, query, afterEviction: afterEviction) : [])
        }
        guard let generation = options.generation else { return all }
        return all.filter { candidate in
            let trajectory = stored[candidate.trajectory]
            return (0..<candidate.count).contains {
                trajectory.lossMask[$0] == 1 && trajectory.origins[$0].generation == generation
            }
        }
    }

    /// Prefixes ending where the rest of the query can be tokenized on its
    /// own: at its end, or on a character boundary after a present token.
    private func plainCandidates(of index: Int, _ query: [UInt8]) -> [Candidate] {
        let trajectory = stored[index], offsets = trajectory.offsets
        return (1...max(1, trajectory.tokens.count)).compactMap { count in
            let end = offsets[count]
            guard end <= query.count, trajectory.text.prefix(end).elementsEqual(query.prefix(end)) else { return nil }
            let endsCleanly =
                end == query.count
                || (query[end] & 0xC0 != 0x80 && trajectory.lengths[count - 1] != 0)
            guard endsCleanly else { return nil }
            return Candidate(
                trajectory: index, count: count, bytes: end,
                rank: [end, latestHolder(of: index, count), count, 0])
        }
    }

    /// The query ends at, or inside, the first token of a tail (at: where
    /// that token spells nothing, right where the query ends): the match
    /// takes the tail to its end (after eviction, to wherever the marks the
    /// tree may hold end it).
    private func tailCandidates(of index: Int, _ query: [UInt8], afterEviction: Bool) -> [Candidate] {
        let trajectory = stored[index], offsets = trajectory.offsets
        func marks(_ position: Int) -> Set<Bool> { tailMarks(index, position, afterEviction: afterEviction) }
        return trajectory.tokens.indices.flatMap { first -> [Candidate] in
            let previous = first - 1
            guard marks(first).contains(true), first == 0 || marks(previous).contains(false),
                first == 0 || trajectory.lossMask[previous] == 0 || trajectory.origins[previous] == trajectory.origins[first],
                offsets[first] <= query.count,
                query.count < offsets[first + 1] || (trajectory.lengths[first] == 0 && offsets[first] == query.count),
                trajectory.text.prefix(query.count).elementsEqual(query)
            else { return [] }
            var ends = [first + 1]
            while let end = ends.last, end < trajectory.tokens.count, marks(end).contains(true),
                trajectory.origins[end] == trajectory.origins[first]
            {
                ends.append(end + 1)
            }
            return (afterEviction ? ends : [ends.last!]).map { end in
                Candidate(
                    trajectory: index, count: end, bytes: query.count,
                    rank: [query.count, latestHolder(of: index, first), end, latestHolder(of: index, first + 1)])
            }
        }
    }

    /// The best candidate's values.
    func match(_ query: [UInt8], options: RadixCache.MatchOptions = .init()) -> Expected {
        guard !query.isEmpty,
            let best = candidates(for: query, options: options).max(by: { $0.rank.lexicographicallyPrecedes($1.rank) })
        else { return Expected() }
        return expected(best)
    }

    /// A candidate's values: its trajectory's own.
    func expected(_ candidate: Candidate) -> Expected {
        let trajectory = stored[candidate.trajectory]
        let count = candidate.count
        let origins = trajectory.origins.prefix(count)
        return Expected(
            tokens: Array(trajectory.tokens.prefix(count)), logprobs: trajectory.logprobs.prefix(count).map(\.bitPattern),
            lossMask: Array(trajectory.lossMask.prefix(count)), weightVersions: origins.map(\.weightVersion),
            matchedByteCount: candidate.bytes, lastGeneration: origins.last { $0 != .prompt }?.generation)
    }
}

extension Expected {
    init(_ match: RadixMatch) {
        self.init(
            tokens: Array(match.tokens), logprobs: match.logprobs.map(\.bitPattern), lossMask: Array(match.lossMask),
            weightVersions: match.weightVersions, matchedByteCount: match.matchedByteCount,
            lastGeneration: match.lastGeneration)
    }
}

typealias Expected = ReferenceModel.Expected
