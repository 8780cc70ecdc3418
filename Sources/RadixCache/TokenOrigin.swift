/// Who produced stored tokens: the generation (the request id a client gave
/// `/generate`, or the worker's `meta_info.id`) and the policy's weight
/// version.
///
/// Values belong to a generation, not to a text prefix: two samples of one
/// prompt may generate the same tokens with different log-probabilities
/// (batch composition changes them, and so do weight updates), so the tree
/// keeps generated tokens of different origins apart (see `TreeInsertion`).
/// Prompt tokens (loss mask 0) were produced by no policy: they report no
/// origin, whatever node holds them, and are shared by every trajectory
/// that has them.
public struct TokenOrigin: Sendable, Hashable {
    /// The request id of the generation; empty when unknown.
    public var generation: String { generationName.string }
    /// The weight version, as the worker reported it; empty for prompt tokens.
    public let weightVersion: String
    /// Kept compact: every node holding generated tokens has one.
    let generationName: GenerationName

    public init(generation: String, weightVersion: String) {
        self.generationName = GenerationName(generation)
        self.weightVersion = weightVersion
    }

    /// Heap bytes of its strings kept outside it.
    var heapBytes: Int {
        generationName.heapBytes + (weightVersion.utf8.count > 15 ? 32 + weightVersion.utf8.count + 1 : 0)
    }

    /// The origin of prompt tokens.
    public static let prompt = TokenOrigin(generation: "", weightVersion: "")
}

/// `count` consecutive tokens of one origin.
public struct TokenOriginRun: Sendable, Equatable {
    public let origin: TokenOrigin
    public internal(set) var count: Int

    public init(origin: TokenOrigin, count: Int) {
        self.origin = origin
        self.count = count
    }
}

extension Array where Element == TokenOriginRun {
    /// Appends `count` tokens of `origin`, extending the last run when it has that origin.
    public mutating func append(_ origin: TokenOrigin, count: Int) {
        guard count > 0 else { return }
        if let last = indices.last, self[last].origin == origin {
            self[last].count += count
        } else {
            append(TokenOriginRun(origin: origin, count: count))
        }
    }
}

extension Array where Element == TokenOriginRun {
    /// Runs of equal weight versions, in token order: the version that
    /// produced each generated token; empty for prompt tokens.
    public var weightVersionRuns: [WeightVersionRun] {
        var runs: [WeightVersionRun] = []
        for run in self {
            if let last = runs.indices.last, runs[last].version == run.origin.weightVersion {
                runs[last].count += run.count
            } else {
                runs.append(WeightVersionRun(version: run.origin.weightVersion, count: run.count))
            }
        }
        return runs
    }

    /// The generation of the last generated token: whose trajectory this
    /// is, when several share the text. Nil when no token is generated.
    public var lastGeneration: String? {
        last { $0.origin != .prompt }?.origin.generation
    }
}
