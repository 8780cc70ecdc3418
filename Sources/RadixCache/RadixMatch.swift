/// The longest cached prefix of a text, as stored: tokens, log-probabilities
/// (bit-identical to what was inserted), loss mask, and weight versions.
///
/// A lookup copies the values out of the tree, so a match stays valid
/// whatever the writer does next; `tokens`, `logprobs` and `lossMask` are
/// views of that one copy.
///
/// A miss is an empty match: no tokens and `matchedByteCount` 0. The caller
/// tokenizes the unmatched rest `text.utf8.dropFirst(matchedByteCount)` and
/// decides its mask and log-probabilities (the router treats it as prompt).
/// The rest starts on a character boundary, so it is valid UTF-8.
public struct RadixMatch: Sendable {
    private let values: MatchStorage
    /// UTF-8 bytes of the text covered by `tokens`; the unmatched rest starts here.
    public let matchedByteCount: Int
    private let versionRuns: WeightVersionRuns

    public static let miss = RadixMatch(values: .empty, matchedByteCount: 0, versionRuns: WeightVersionRuns())

    public var tokens: MatchedValues<UInt32> { values.tokens }
    public var logprobs: MatchedValues<Double> { values.logprobs }
    public var lossMask: MatchedValues<UInt8> { values.lossMask }
    public var tokenCount: Int { values.count }
    public var isMiss: Bool { values.count == 0 }

    /// Runs of equal versions, in token order: the version that produced
    /// each token's stored values (kept per node, not per token).
    public var weightVersionRuns: [WeightVersionRun] { versionRuns.all }

    /// The weight version of each token.
    public var weightVersions: [String] {
        weightVersionRuns.flatMap { repeatElement($0.version, count: $0.count) }
    }

    private init(values: MatchStorage, matchedByteCount: Int, versionRuns: WeightVersionRuns) {
        self.values = values
        self.matchedByteCount = matchedByteCount
        self.versionRuns = versionRuns
    }

    /// The best match `search` found (a miss if none), copied out in one
    /// pass over its nodes, which must still be alive.
    init(_ search: borrowing PrefixSearch) {
        guard let found = search.best else {
            self = .miss
            return
        }
        var versionRuns = WeightVersionRuns()
        let values = MatchStorage(count: found.tokenCount) { tokens, logprobs, lossMask in
            var filled = 0
            search.forEachBestNode { node, count in
                node.run.copyValues(count, tokens: tokens + filled, logprobs: logprobs + filled,
                                    lossMask: lossMask + filled)
                filled += count
                versionRuns.add(node.producedBy, count: count)
            }
        }
        self.init(values: values, matchedByteCount: found.byteCount, versionRuns: versionRuns)
    }
}

/// `count` consecutive tokens produced by weight version `version`.
public struct WeightVersionRun: Sendable, Equatable {
    public let version: String
    public internal(set) var count: Int
}

/// Runs of equal versions in token order. The first four sit inline, so
/// that a usual match (one version, or a few turns each from its own
/// version) allocates nothing for them.
private struct WeightVersionRuns: Sendable {
    private var inline = InlineArray<4, WeightVersionRun>(repeating: WeightVersionRun(version: "", count: 0))
    private var overflow: [WeightVersionRun] = []
    private var runCount = 0

    mutating func add(_ version: String, count: Int) {
        let last = runCount - 1
        if last >= inline.count, overflow[overflow.count - 1].version == version {
            overflow[overflow.count - 1].count += count
        } else if last >= 0, last < inline.count, inline[last].version == version {
            inline[last].count += count
        } else if runCount < inline.count {
            inline[runCount] = WeightVersionRun(version: version, count: count)
            runCount += 1
        } else {
            overflow.append(WeightVersionRun(version: version, count: count))
            runCount += 1
        }
    }

    var all: [WeightVersionRun] {
        var all: [WeightVersionRun] = []
        all.reserveCapacity(runCount)
        for index in 0..<min(runCount, inline.count) { all.append(inline[index]) }
        all.append(contentsOf: overflow)
        return all
    }
}
