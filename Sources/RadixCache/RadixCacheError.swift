/// Why an insert was refused: the trajectory is not stored. Only
/// `fullOfUnretrievedTrajectories` may change the cache (it evicts what
/// may be evicted); the others leave it as it was. `wouldNotBeQuick`
/// refuses nothing for good: the insert, asked to be quick, was not done.
public enum RadixCacheError: Error, Equatable, CustomStringConvertible {
    /// A trajectory needs at least one token.
    case emptyTrajectory
    /// `tokens`, `logprobs` and `lossMask` must have one entry per token.
    case lengthMismatch(tokens: Int, logprobs: Int, lossMask: Int)
    /// Token ids must be at most `RadixCache.maxTokenID` (2^23 - 1).
    case tokenIDTooLarge(index: Int, token: UInt32)
    /// Loss-mask entries are 0 (prompt) or 1 (generated).
    case invalidLossMask(index: Int, value: UInt8)
    /// Token `index` neither continues the text at `byteOffset` nor may be
    /// omitted from it.
    case tokenDoesNotSpellText(index: Int, token: UInt32, byteOffset: Int)
    /// The tokens spell only the first `spelledBytes` of `textBytes` bytes.
    case textNotCovered(spelledBytes: Int, textBytes: Int)
    /// The origin runs must cover every token once.
    case originsMismatch(covered: Int, tokens: Int)
    /// A tail is at most the whole trajectory, and generated (mask 1).
    case invalidTail(tailCount: Int, tokens: Int)
    /// Over budget, with only trajectories that must be kept (not yet
    /// retrieved, and not stale) left to evict: the new one is not stored.
    case fullOfUnretrievedTrajectories(bytes: Int, tokens: Int)
    /// Asked to be quick (`onlyIfQuick`), the insert would not be: a writer
    /// that may stall is to store it.
    case wouldNotBeQuick

    public var description: String {
        switch self {
        case .emptyTrajectory:
            "a trajectory needs at least one token"
        case let .lengthMismatch(tokens, logprobs, lossMask):
            "lengths differ: \(tokens) tokens, \(logprobs) logprobs, \(lossMask) loss-mask entries"
        case let .tokenIDTooLarge(index, token):
            "token \(index) has id \(token), above the largest the cache stores (\(RadixCache.maxTokenID))"
        case let .invalidLossMask(index, value):
            "loss mask entry \(index) is \(value); expected 0 or 1"
        case let .tokenDoesNotSpellText(index, token, byteOffset):
            "token \(index) (id \(token)) does not spell the text at byte \(byteOffset)"
        case let .textNotCovered(spelledBytes, textBytes):
            "the tokens spell \(spelledBytes) of the text's \(textBytes) bytes"
        case let .originsMismatch(covered, tokens):
            "the origin runs cover \(covered) of \(tokens) tokens"
        case let .invalidTail(tailCount, tokens):
            "a tail of \(tailCount) tokens does not fit \(tokens) tokens, or holds prompt tokens"
        case let .fullOfUnretrievedTrajectories(bytes, tokens):
            "the cache is full (\(tokens) tokens, \(bytes) bytes) of trajectories not yet retrieved and not stale"
        case .wouldNotBeQuick:
            "the insert would not be quick (a long run split, an eviction, or a large version to free)"
        }
    }
}
