/// An insert's input once checked: the tokens spell the text, and each token
/// knows where its bytes lie in it.
struct Trajectory {
    let text: [UInt8]
    let tokens: [UInt32]
    let logprobs: [Double]
    let lossMask: [UInt8]
    let version: WeightVersion
    /// Where token `i`'s bytes start in `text`, plus one entry for the end.
    let textOffsets: [Int]

    var count: Int { tokens.count }

    func textLength(at index: Int) -> Int { textOffsets[index + 1] - textOffsets[index] }

    /// Each token takes its vocabulary bytes when the text continues with
    /// them; otherwise it takes none if it may be omitted from text. The first
    /// rule wins, so a special token whose literal text is present is read as
    /// present.
    init(
        text: String, tokens: [UInt32], logprobs: [Double], lossMask: [UInt8],
        weightVersion: String, vocabulary: any TokenBytes
    ) throws(RadixCacheError) {
        guard !tokens.isEmpty else { throw .emptyTrajectory }
        guard logprobs.count == tokens.count, lossMask.count == tokens.count else {
            throw .lengthMismatch(tokens: tokens.count, logprobs: logprobs.count, lossMask: lossMask.count)
        }
        if let index = tokens.firstIndex(where: { $0 > RadixCache.maxTokenID }) {
            throw .tokenIDTooLarge(index: index, token: tokens[index])
        }
        if let index = lossMask.firstIndex(where: { $0 > 1 }) {
            throw .invalidLossMask(index: index, value: lossMask[index])
        }
        let bytes = Array(text.utf8)
        self.text = bytes
        self.tokens = tokens
        self.logprobs = logprobs
        self.lossMask = lossMask
        self.version = WeightVersion(weightVersion)
        self.textOffsets = try Self.textOffsets(of: tokens, spelling: bytes, vocabulary: vocabulary)
    }

    private static func textOffsets(
        of tokens: [UInt32], spelling text: [UInt8], vocabulary: any TokenBytes
    ) throws(RadixCacheError) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(tokens.count + 1)
        var cursor = 0
        for (index, token) in tokens.enumerated() {
            offsets.append(cursor)
            let spelled: Int? = text.withUnsafeBufferPointer { text in
                vocabulary.withBytes(of: token) { piece in
                    guard !piece.isEmpty, piece.count <= text.count - cursor else { return nil }
                    let shared = piece.withMemoryRebound(to: UInt8.self) {
                        commonPrefixLength($0.baseAddress!, text.baseAddress! + cursor, count: piece.count)
                    }
                    return shared == piece.count ? piece.count : nil
                }
            }
            guard let length = spelled ?? (vocabulary.mayBeOmittedFromText(token) ? 0 : nil) else {
                throw .tokenDoesNotSpellText(index: index, token: token, byteOffset: cursor)
            }
            cursor += length
        }
        guard cursor == text.count else { throw .textNotCovered(spelledBytes: cursor, textBytes: text.count) }
        offsets.append(cursor)
        return offsets
    }
}
