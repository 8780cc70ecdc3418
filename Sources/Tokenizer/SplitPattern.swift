/// The family of split patterns byte-level BPE models use (GPT-2, Qwen2/3,
/// Qwen3.5, Llama-3 / cl100k), described by the few ways they differ. A
/// pattern is scanned natively only when it is exactly one of `presets`.
struct SplitPattern: Equatable, Sendable {
    enum LetterPrefix: Sendable { case optionalSpace, anyNonNewlineNonAlphanumeric }

    /// `(?i:'s|...)` instead of `'s|...`.
    var caseInsensitiveContractions: Bool
    var letterPrefix: LetterPrefix
    /// Letters are `[\p{L}\p{M}]` (Qwen3.5) instead of `\p{L}`.
    var lettersIncludeMarks: Bool
    /// Numbers may start with an optional space (` ?\p{N}+`).
    var numbersTakeSpace: Bool
    /// Longest digit run: 1, 3 or `Int.max`.
    var maxDigits: Int
    /// Punctuation runs swallow following `[\r\n]*`.
    var punctuationTakesNewlines: Bool
    /// Has the `\s*[\r\n]+` alternative.
    var newlineRuns: Bool

    static let gpt2 = SplitPattern(
        caseInsensitiveContractions: false, letterPrefix: .optionalSpace, lettersIncludeMarks: false,
        numbersTakeSpace: true, maxDigits: .max, punctuationTakesNewlines: false, newlineRuns: false)
    static let qwen2 = SplitPattern(
        caseInsensitiveContractions: true, letterPrefix: .anyNonNewlineNonAlphanumeric,
        lettersIncludeMarks: false, numbersTakeSpace: false, maxDigits: 1,
        punctuationTakesNewlines: true, newlineRuns: true)
    static let llama3: SplitPattern = {
        var p = qwen2
        p.maxDigits = 3
        return p
    }()
    static let qwen35: SplitPattern = {
        var p = qwen2
        p.lettersIncludeMarks = true
        return p
    }()
    static let presets = [gpt2, qwen2, llama3, qwen35]

    static func recognise(_ regex: String) -> SplitPattern? {
        presets.first { $0.regex == regex }
    }

    /// The regular expression this describes, spelled as tokenizer files do.
    var regex: String {
        let contractions = "'s|'t|'re|'ve|'m|'ll|'d"
        let letters = lettersIncludeMarks ? #"[\p{L}\p{M}]"# : #"\p{L}"#
        let notOther = lettersIncludeMarks ? #"\s\p{L}\p{M}\p{N}"# : #"\s\p{L}\p{N}"#
        let digits = maxDigits == 1 ? "" : maxDigits == 3 ? "{1,3}" : "+"
        var parts = [
            caseInsensitiveContractions ? "(?i:\(contractions))" : contractions,
            (letterPrefix == .optionalSpace ? " ?" : #"[^\r\n\p{L}\p{N}]?"#) + letters + "+",
            (numbersTakeSpace ? " ?" : "") + #"\p{N}"# + digits,
            " ?[^\(notOther)]+" + (punctuationTakesNewlines ? #"[\r\n]*"# : ""),
        ]
        if newlineRuns { parts.append(#"\s*[\r\n]+"#) }
        parts.append(#"\s+(?!\S)|\s+"#)
        return parts.joined(separator: "|")
    }
}
