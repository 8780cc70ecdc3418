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

    /// The match `found` describes; its nodes must still be alive.
    init(_ found: PrefixSearch.Found) {
        var versions: [WeightVersionRun] = []
        versions.reserveCapacity(found.path.count)
        found.forEachNode { node, count in
            if versions.last?.version == node.producedBy {
                versions[versions.count - 1].count += count
            } else {
                versions.append(WeightVersionRun(version: node.producedBy, count: count))
            }
        }
        self.init(tokens: Self.gathering(found) { $0.copyTokens($1, to: $2) },
                  logprobs: Self.gathering(found) { $0.copyLogprobs($1, to: $2) },
                  lossMask: Self.gathering(found) { $0.copyLossMask($1, to: $2) },
                  matchedByteCount: found.byteCount, weightVersionRuns: versions)
    }

    /// One value per matched token, filled run by run with bulk copies.
    private static func gathering<Element>(
        _ found: PrefixSearch.Found, _ copy: (TokenRun, Int, UnsafeMutablePointer<Element>) -> Void
    ) -> [Element] {
        [Element](unsafeUninitializedCapacity: found.tokenCount) { buffer, filled in
            found.forEachNode { node, count in
                copy(node.run, count, buffer.baseAddress! + filled)
                filled += count
            }
        }
    }
}

/// `count` consecutive tokens produced by weight version `version`.
public struct WeightVersionRun: Sendable, Equatable {
    public let version: String
    public internal(set) var count: Int
}
