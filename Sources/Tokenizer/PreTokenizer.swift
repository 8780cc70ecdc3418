/// How a split step treats the pieces its pattern matches (HF `behavior`).
enum SplitBehavior: String, Sendable {
    case removed = "Removed", isolated = "Isolated", mergedWithPrevious = "MergedWithPrevious",
        mergedWithNext = "MergedWithNext", contiguous = "Contiguous"
}

/// What finds the delimiters of a split step.
enum SplitMatcher: Sendable {
    case native(NativeSplitScanner)
    case regex(RegexSplitter)
    /// HF `Digits`: runs of `\p{N}`, or each one alone.
    case digits(individually: Bool)

    static func forPattern(_ regex: String) throws -> SplitMatcher {
        if let known = SplitPattern.recognise(regex) { return .native(NativeSplitScanner(known)) }
        return .regex(try RegexSplitter(pattern: regex))
    }

    @inline(__always)
    func forEachMatch(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ body: (Int, Int) -> Void) {
        switch self {
        case .native(let scanner): scanner.forEachMatch(p, start, end, body)
        case .regex(let regex): regex.forEachMatch(p, start, end, body)
        case .digits(let individually): Self.digits(p, start, end, individually, body)
        }
    }

    private static func digits(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ individually: Bool,
        _ body: (Int, Int) -> Void
    ) {
        let classes = ScalarClassTable.shared
        var i = start, runStart = -1
        while i < end {
            let (value, n) = decodeScalar(p, i)
            if classes.classOf(value).contains(.number) {
                if individually {
                    body(i, i + n)
                } else if runStart < 0 {
                    runStart = i
                }
            } else if runStart >= 0 {
                body(runStart, i)
                runStart = -1
            }
            i += n
        }
        if runStart >= 0 { body(runStart, end) }
    }
}

/// One step of a pre-tokenizer.
enum PreTokenizerStep: Sendable {
    case split(SplitMatcher, SplitBehavior, invert: Bool)
    /// ByteLevel's `add_prefix_space`: a space before every piece not
    /// already starting with one.
    case prefixSpace
}

/// Cuts normalized text into the words BPE encodes, step by step as HF's
/// pre-tokenizers do (each step works on every piece of the previous one).
struct PreTokenizer: Sendable {
    let steps: [PreTokenizerStep]

    func forEachWord(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>, Int) -> Void) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        // Fast path: a single isolating split needs no intermediate pieces.
        if steps.count == 1, case .split(let matcher, .isolated, _) = steps[0] {
            Self.isolate(matcher, base, 0, text.count) { body(base + $0, $1 - $0) }
            return
        }
        var storage = Array(text)
        var pieces = [(start: 0, end: text.count)]
        for step in steps {
            pieces = Self.apply(step, to: pieces, in: &storage)
        }
        storage.withUnsafeBufferPointer { buffer in
            for piece in pieces { body(buffer.baseAddress! + piece.start, piece.end - piece.start) }
        }
    }

    @inline(__always)
    private static func isolate(
        _ matcher: SplitMatcher, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
        _ emit: (Int, Int) -> Void
    ) {
        var last = start
        matcher.forEachMatch(p, start, end) { s, e in
            if s > last { emit(last, s) }
            emit(s, e)
            last = e
        }
        if last < end { emit(last, end) }
    }

    private static func apply(
        _ step: PreTokenizerStep, to pieces: [(start: Int, end: Int)],
        in storage: inout [UInt8]
    ) -> [(start: Int, end: Int)] {
        var out: [(start: Int, end: Int)] = []
        out.reserveCapacity(pieces.count)
        switch step {
        case .prefixSpace:
            for piece in pieces {
                if storage[piece.start] == UInt8(ascii: " ") {
                    out.append(piece)
                } else {
                    let start = storage.count
                    storage.append(UInt8(ascii: " "))
                    storage.append(contentsOf: storage[piece.start..<piece.end])
                    out.append((start, storage.count))
                }
            }
        case .split(let matcher, let behavior, let invert):
            storage.withUnsafeBufferPointer { buffer in
                for piece in pieces {
                    var marked: [(start: Int, end: Int, isMatch: Bool)] = []
                    var last = piece.start
                    matcher.forEachMatch(buffer.baseAddress!, piece.start, piece.end) { s, e in
                        if s > last { marked.append((last, s, invert)) }
                        marked.append((s, e, !invert))
                        last = e
                    }
                    if last < piece.end { marked.append((last, piece.end, invert)) }
                    out.append(contentsOf: merge(marked, behavior))
                }
            }
        }
        return out
    }

    /// HF's `SplitDelimiterBehavior` applied to gaps and matches in order.
    private static func merge(
        _ parts: [(start: Int, end: Int, isMatch: Bool)],
        _ behavior: SplitBehavior
    ) -> [(start: Int, end: Int)] {
        var out: [(start: Int, end: Int)] = []
        switch behavior {
        case .isolated:
            out = parts.map { ($0.start, $0.end) }
        case .removed:
            out = parts.filter { !$0.isMatch }.map { ($0.start, $0.end) }
        case .mergedWithPrevious:
            var previousMatch = false
            for part in parts {
                if part.isMatch, !previousMatch, !out.isEmpty {
                    out[out.count - 1].end = part.end
                } else {
                    out.append((part.start, part.end))
                }
                previousMatch = part.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for part in parts.reversed() {
                if part.isMatch, !previousMatch, !out.isEmpty {
                    out[out.count - 1].start = part.start
                } else {
                    out.append((part.start, part.end))
                }
                previousMatch = part.isMatch
            }
            out.reverse()
        case .contiguous:
            var previousMatch = false
            for part in parts {
                if part.isMatch == previousMatch, !out.isEmpty {
                    out[out.count - 1].end = part.end
                } else {
                    out.append((part.start, part.end))
                }
                previousMatch = part.isMatch
            }
        }
        return out
    }
}
