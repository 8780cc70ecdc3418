@testable import RadixCache

/// The cache's semantics in the plainest terms: a list of every inserted
/// trajectory, searched exhaustively. Property tests compare the tree with it.
struct ReferenceModel {
    struct Stored {
        let text: [UInt8]
        let tokens: [UInt32]
        /// Each token's byte length in the text (0: omitted from it).
        let lengths: [Int]
        let logprobs: [Double]
        let lossMask: [UInt8]
        let version: String

        var offsets: [Int] { lengths.reduce(into: [0]) { $0.append($0.last! + $1) } }

        /// Whether `other`'s first `count` tokens are this one's, each present or omitted alike.
        func sharesTokens(with other: Stored, count: Int) -> Bool {
            count <= tokens.count && tokens.prefix(count) == other.tokens.prefix(count)
                && zip(lengths.prefix(count), other.lengths.prefix(count)).allSatisfy { ($0 == 0) == ($1 == 0) }
        }
    }

    struct Expected {
        var tokens: [UInt32] = []
        var logprobs: [Double] = []
        var lossMask: [UInt8] = []
        var weightVersions: [String] = []
        var matchedByteCount = 0
    }

    private(set) var stored: [Stored] = []

    mutating func insert(_ trajectory: Stored) { stored.append(trajectory) }

    /// All (trajectory, token count) prefixes a match of `query` may return,
    /// with the bytes each covers.
    func candidates(for query: [UInt8]) -> [(trajectory: Int, count: Int, bytes: Int)] {
        stored.indices.flatMap { index in
            let trajectory = stored[index], offsets = trajectory.offsets
            return (1...max(1, trajectory.tokens.count)).compactMap { count -> (Int, Int, Int)? in
                let end = offsets[count]
                guard end <= query.count, trajectory.text.prefix(end).elementsEqual(query.prefix(end)) else { return nil }
                let endsCleanly = end == query.count
                    || (query[end] & 0xC0 != 0x80 && trajectory.lengths[count - 1] != 0)
                return endsCleanly ? (index, count, end) : nil
            }
        }
    }

    /// The longest candidate; ties to the latest trajectory holding it, then to more tokens.
    func match(_ query: [UInt8]) -> Expected {
        guard !query.isEmpty else { return Expected() }
        let all = candidates(for: query)
        guard let longest = all.map(\.bytes).max() else { return Expected() }
        let best = all.filter { $0.bytes == longest }
            .max { (latestHolder(of: $0.trajectory, $0.count), $0.count) < (latestHolder(of: $1.trajectory, $1.count), $1.count) }!
        return expected(trajectory: best.trajectory, count: best.count)
    }

    /// What the cache holds for the first `count` tokens of a trajectory:
    /// each token's values come from the latest trajectory that went through
    /// it, and its version is the one that produced those values: the latest
    /// holder that brought different values (a holder repeating the stored
    /// values leaves the version as it was). The tree replaces a node's
    /// values as a whole; generated trajectories repeat a prefix's values
    /// exactly or not at all, where per token and per node agree.
    func expected(trajectory index: Int, count: Int) -> Expected {
        let trajectory = stored[index]
        var expected = Expected()
        for position in 0..<count {
            let holders = holders(of: index, count: position + 1)
            let latest = stored[holders.last!]
            expected.tokens.append(trajectory.tokens[position])
            expected.logprobs.append(latest.logprobs[position])
            expected.lossMask.append(latest.lossMask[position])
            var producer = holders[0]
            for holder in holders.dropFirst()
            where stored[holder].logprobs[position].bitPattern != stored[producer].logprobs[position].bitPattern
                || stored[holder].lossMask[position] != stored[producer].lossMask[position] {
                producer = holder
            }
            expected.weightVersions.append(stored[producer].version)
        }
        expected.matchedByteCount = trajectory.offsets[count]
        return expected
    }

    /// The trajectories, in insert order, that went through the first `count` tokens of trajectory `index`.
    func holders(of index: Int, count: Int) -> [Int] {
        stored.indices.filter { stored[$0].sharesTokens(with: stored[index], count: count) }
    }

    private func latestHolder(of index: Int, _ count: Int) -> Int {
        holders(of: index, count: count).last!
    }
}
