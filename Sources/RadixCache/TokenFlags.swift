/// Eight bits per stored token, kept above its id: loss mask,
/// log-probability escape, text length.
///
///     bit 7: loss mask   bit 6: logprob escaped   bits 0-5: text length
///
/// A length of 0 means the token is omitted from the text. Lengths of
/// `longLength` and more are stored as `longLength`: only a token present in
/// the text can be that long, so its length is its vocabulary length.
struct TokenFlags: Equatable {
    static let longLength = 63

    let rawValue: UInt8

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(lossMask: UInt8, logprobEscaped: Bool, textLength: Int) {
        rawValue = lossMask << 7 | (logprobEscaped ? 1 << 6 : 0) | UInt8(min(textLength, Self.longLength))
    }

    var lossMask: UInt8 { rawValue >> 7 }
    var isLogprobEscaped: Bool { rawValue & 1 << 6 != 0 }
    var storedLength: Int { Int(rawValue & 0x3F) }
    var isOmittedFromText: Bool { storedLength == 0 }

    /// The token's text length. `vocabulary` is evaluated only for a long
    /// token: a reader passing the cache's vocabulary would otherwise copy
    /// it, changing its storage's reference counts, for every token.
    func textLength(of token: UInt32, vocabulary: @autoclosure () -> any TokenBytes) -> Int {
        storedLength < Self.longLength ? storedLength : vocabulary().withBytes(of: token) { $0.count }
    }
}
