/// The longest cached prefix of a text, as stored: tokens, log-probabilities
/// (bit-identical to what was inserted), loss mask, and weight versions.
///
/// A miss is an empty match: no tokens and `matchedByteCount` 0. The caller
/// tokenizes the unmatched rest `text.utf8.dropFirst(matchedByteCount)` and
/// decides its mask and log-probabilities (the router treats it as prompt).
/// The rest starts on a character boundary, so it is valid UTF-8.
public struct RadixMatch: Sendable {
    public let tokens: [UInt32]
    public let logprobs: [Double]
    public let lossMask: [UInt8]
    /// UTF-8 bytes of the text covered by `tokens`; the unmatched rest starts here.
    public let matchedByteCount: Int
    /// Runs of equal versions, in token order: the version that produced
    /// each token's stored values (kept per node, not per token).
    public let weightVersionRuns: [WeightVersionRun]

    public static let miss = RadixMatch(
        tokens: [], logprobs: [], lossMask: [], matchedByteCount: 0, weightVersionRuns: [])

    public var isMiss: Bool { tokens.isEmpty }

    /// The weight version of each token.
    public var weightVersions: [String] {
        weightVersionRuns.flatMap { repeatElement($0.version, count: $0.count) }
    }

    init(tokens: [UInt32], logprobs: [Double], lossMask: [UInt8], matchedByteCount: Int,
         weightVersionRuns: [WeightVersionRun]) {
        self.tokens = tokens
        self.logprobs = logprobs
        self.lossMask = lossMask
        self.matchedByteCount = matchedByteCount
        self.weightVersionRuns = weightVersionRuns
    }

    init(_ found: PrefixSearch.Found) {
        let path = found.path
        let counts = path.indices.map { $0 == path.count - 1 ? found.lastNodeTokenCount : path[$0].run.count }
        var versions: [WeightVersionRun] = []
        versions.reserveCapacity(path.count)
        for (node, count) in zip(path, counts) {
            if versions.last?.version == node.producedBy {
                versions[versions.count - 1].count += count
            } else {
                versions.append(WeightVersionRun(version: node.producedBy, count: count))
            }
        }
        // Filled run by run with bulk copies.
        let tokens = [UInt32](unsafeUninitializedCapacity: found.tokenCount) { buffer, filled in
            for (node, count) in zip(path, counts) {
                node.run.copyTokens(count, to: buffer.baseAddress! + filled)
                filled += count
            }
        }
        let logprobs = [Double](unsafeUninitializedCapacity: found.tokenCount) { buffer, filled in
            for (node, count) in zip(path, counts) {
                node.run.copyLogprobs(count, to: buffer.baseAddress! + filled)
                filled += count
            }
        }
        let lossMask = [UInt8](unsafeUninitializedCapacity: found.tokenCount) { buffer, filled in
            for (node, count) in zip(path, counts) {
                node.run.copyLossMask(count, to: buffer.baseAddress! + filled)
                filled += count
            }
        }
        self.init(tokens: tokens, logprobs: logprobs, lossMask: lossMask,
                  matchedByteCount: found.byteCount, weightVersionRuns: versions)
    }
}

/// `count` consecutive tokens produced by weight version `version`.
public struct WeightVersionRun: Sendable, Equatable {
    public let version: String
    public internal(set) var count: Int
}
