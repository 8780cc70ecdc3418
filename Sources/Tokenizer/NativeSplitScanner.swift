/// Scans a `SplitPattern` over UTF-8 without a regex engine, reproducing
/// the leftmost-first alternation of the regex (including its backtracking
/// into `\s+(?!\S)`). Every scalar belongs to some alternative, so the
/// matches tile the input.
struct NativeSplitScanner: Sendable {
    let pattern: SplitPattern
    private let classes = ScalarClassTable.shared
    private let letters: ScalarClass
    private let notOther: ScalarClass

    init(_ pattern: SplitPattern) {
        self.pattern = pattern
        letters = pattern.lettersIncludeMarks ? [.letter, .mark] : .letter
        notOther = letters.union([.whitespace, .number])
    }

    func forEachMatch(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ body: (Int, Int) -> Void) {
        var i = start
        while i < end {
            let j = matchEnd(p, i, end)
            body(i, j)
            i = j
        }
    }

    @inline(__always)
    private func scalarClass(_ p: UnsafePointer<UInt8>, _ i: Int) -> (ScalarClass, Int) {
        let (value, length) = decodeScalar(p, i)
        return (classes.classOf(value), length)
    }

    /// End of the longest run of scalars from `i` whose class meets `mask`.
    @inline(__always)
    private func run(
        _ p: UnsafePointer<UInt8>, from i: Int, _ end: Int, _ mask: ScalarClass,
        limit: Int = .max
    ) -> Int {
        var j = i, taken = 0
        while j < end, taken < limit {
            let (k, n) = scalarClass(p, j)
            if k.isDisjoint(with: mask) { break }
            j += n
            taken += 1
        }
        return j
    }

    private func matchEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let c = p[i]
        let (k, n) = scalarClass(p, i)
        // Letters and numbers first, before the next scalar is read: no
        // earlier alternative can take them (contractions start with an
        // apostrophe, and no preset lets a number prefix letters).
        if !k.isDisjoint(with: letters) { return run(p, from: i + n, end, letters) }
        if k.contains(.number) { return run(p, from: i + n, end, .number, limit: pattern.maxDigits - 1) }
        if c == UInt8(ascii: "'"), let length = contractionLength(p, i + 1, end) {
            return i + 1 + length
        }
        let next: ScalarClass = i + n < end ? scalarClass(p, i + n).0 : []
        if !next.isDisjoint(with: letters) {
            let prefixed =
                pattern.letterPrefix == .optionalSpace
                ? c == UInt8(ascii: " ")
                : k.isDisjoint(with: [.newline, .number, .letter])
            if prefixed { return run(p, from: i + n, end, letters) }
        }
        if pattern.numbersTakeSpace, c == UInt8(ascii: " "), next.contains(.number) {
            return run(p, from: i + 1, end, .number, limit: pattern.maxDigits)
        }
        var punctuationStart = -1
        if c == UInt8(ascii: " "), i + 1 < end, next.isDisjoint(with: notOther) {
            punctuationStart = i + 1
        } else if k.isDisjoint(with: notOther) {
            punctuationStart = i
        }
        if punctuationStart >= 0 {
            var j = punctuationStart
            while j < end {
                let (kj, nj) = scalarClass(p, j)
                if !kj.isDisjoint(with: notOther) { break }
                j += nj
            }
            if pattern.punctuationTakesNewlines {
                while j < end, p[j] == 0x0A || p[j] == 0x0D { j += 1 }
            }
            return j
        }
        return whitespaceMatchEnd(p, i, end)
    }

    /// `\s*[\r\n]+` (when present), then `\s+(?!\S)`, then `\s+`.
    private func whitespaceMatchEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        var j = i, lastStart = i, afterLastNewline = -1
        while j < end {
            let (k, n) = scalarClass(p, j)
            if !k.contains(.whitespace) { break }
            if k.contains(.newline) { afterLastNewline = j + n }
            lastStart = j
            j += n
        }
        if pattern.newlineRuns, afterLastNewline >= 0 { return afterLastNewline }
        if j == end || lastStart == i { return j }
        return lastStart
    }

    /// Length after the apostrophe of `'s|'t|'re|'ve|'m|'ll|'d` at `i`,
    /// honouring case-insensitivity (where Unicode folds `ſ` to `s`).
    private func contractionLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        guard i < end else { return nil }
        let fold = pattern.caseInsensitiveContractions
        func letter(_ j: Int, _ lower: UInt8) -> Bool {
            j < end && (p[j] == lower || (fold && p[j] == lower - 32))
        }
        if letter(i, UInt8(ascii: "s")) || letter(i, UInt8(ascii: "t"))
            || letter(i, UInt8(ascii: "m")) || letter(i, UInt8(ascii: "d"))
        {
            return 1
        }
        if fold, i + 1 < end, p[i] == 0xC5, p[i + 1] == 0xBF { return 2 }  // U+017F ſ
        if letter(i, UInt8(ascii: "r")) && letter(i + 1, UInt8(ascii: "e"))
            || letter(i, UInt8(ascii: "v")) && letter(i + 1, UInt8(ascii: "e"))
            || letter(i, UInt8(ascii: "l")) && letter(i + 1, UInt8(ascii: "l"))
        {
            return 2
        }
        return nil
    }
}
