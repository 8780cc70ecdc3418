/// The longest cached prefix of a text, as stored: tokens, log-probabilities
/// (bit-identical to what was inserted), loss mask, and the origin
/// (generation and weight version) of each generated token.
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
    /// The origin of each node's generated tokens, in token order.
    private let nodeOrigins: NodeOriginRuns

    public static let miss = RadixMatch(values: .empty, matchedByteCount: 0, nodeOrigins: NodeOriginRuns())

    public var tokens: MatchedValues<UInt32> { values.tokens }
    public var logprobs: MatchedValues<Double> { values.logprobs }
    public var lossMask: MatchedValues<UInt8> { values.lossMask }
    public var tokenCount: Int { values.count }
    public var isMiss: Bool { values.count == 0 }

    /// Calls `body` with the log-probabilities and the loss mask in memory,
    /// for readers that take them in bulk (valid only inside `body`).
    @inlinable
    public func withLogprobsAndLossMask<Result>(
        _ body: (_ logprobs: UnsafeBufferPointer<Double>, _ lossMask: UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        logprobs.withContiguousStorageIfAvailable { logprobs in
            lossMask.withContiguousStorageIfAvailable { body(logprobs, $0) }!
        }!
    }

    /// Runs of equal origins, in token order: prompt tokens (loss mask 0)
    /// have `TokenOrigin.prompt`, generated ones their generation's.
    public var originRuns: [TokenOriginRun] {
        // Over the mask's memory: element reads through `MatchedValues` pay a
        // bounds check and a lifetime fence each. Mask values are 0 or 1.
        values.lossMask.withContiguousStorageIfAvailable { lossMask in
            var runs: [TokenOriginRun] = []
            var position = 0
            nodeOrigins.forEachRun { nodeRun in
                let end = position + nodeRun.count
                var index = position
                while index < end {
                    let next = endOfEqualBytes(lossMask.baseAddress!, from: index, to: end)
                    runs.append(lossMask[index] == 1 ? nodeRun.origin : .prompt, count: next - index)
                    index = next
                }
                position = end
            }
            return runs
        }!
    }

    /// Runs of equal weight versions, in token order (see `originRuns`).
    public var weightVersionRuns: [WeightVersionRun] { originRuns.weightVersionRuns }

    /// The weight version of each token (empty for prompt tokens).
    public var weightVersions: [String] {
        weightVersionRuns.flatMap { repeatElement($0.version, count: $0.count) }
    }

    /// The generation of the last generated token (see `originRuns`).
    public var lastGeneration: String? { originRuns.lastGeneration }

    private init(values: MatchStorage, matchedByteCount: Int, nodeOrigins: NodeOriginRuns) {
        self.values = values
        self.matchedByteCount = matchedByteCount
        self.nodeOrigins = nodeOrigins
    }

    /// The best match `search` found (a miss if none), copied out in one
    /// pass over its nodes, which must still be alive.
    init(_ search: borrowing PrefixSearch) {
        guard let found = search.best else {
            self = .miss
            return
        }
        var nodeOrigins = NodeOriginRuns()
        let values = MatchStorage(count: found.tokenCount) { tokens, logprobs, lossMask in
            var filled = 0
            search.forEachBestNode { node, count in
                node.run.copyValues(
                    count, tokens: tokens + filled, logprobs: logprobs + filled,
                    lossMask: lossMask + filled)
                filled += count
                nodeOrigins.add(node.origin, count: count)
            }
        }
        self.init(values: values, matchedByteCount: found.byteCount, nodeOrigins: nodeOrigins)
    }
}

/// `count` consecutive tokens produced by weight version `version`.
public struct WeightVersionRun: Sendable, Equatable {
    public let version: String
    public internal(set) var count: Int
}

/// The origins of a match's nodes, in token order, equal neighbours merged.
/// The first four sit inline, so that a usual match (a prompt, or a few
/// turns) allocates nothing for them.
private struct NodeOriginRuns: Sendable {
    private var inline = InlineArray<4, TokenOriginRun>(repeating: TokenOriginRun(origin: .prompt, count: 0))
    private var overflow: [TokenOriginRun] = []
    private var runCount = 0

    mutating func add(_ origin: TokenOrigin, count: Int) {
        let last = runCount - 1
        if last >= inline.count, overflow[overflow.count - 1].origin == origin {
            overflow[overflow.count - 1].count += count
        } else if last >= 0, last < inline.count, inline[last].origin == origin {
            inline[last].count += count
        } else if runCount < inline.count {
            inline[runCount] = TokenOriginRun(origin: origin, count: count)
            runCount += 1
        } else {
            overflow.append(TokenOriginRun(origin: origin, count: count))
            runCount += 1
        }
    }

    /// Calls `body` with each run, in order (without gathering them in an array).
    func forEachRun(_ body: (TokenOriginRun) -> Void) {
        for index in 0..<min(runCount, inline.count) { body(inline[index]) }
        overflow.forEach(body)
    }
}
