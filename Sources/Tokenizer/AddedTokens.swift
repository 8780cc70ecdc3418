/// A token from `added_tokens` (or a tiktoken special token).
struct AddedToken: Sendable {
    let id: TokenID
    let content: String
    let special: Bool
    let lstrip: Bool
    let rstrip: Bool
    let singleWord: Bool
    /// Matched in normalized text (true) or in the raw input (false).
    let normalized: Bool
}

/// Finds added tokens in text the way HF's AddedVocabulary does: leftmost-
/// longest matches, then `single_word`, `lstrip` and `rstrip` applied.
struct AddedTokenMatcher: Sendable {
    private let tokens: [AddedToken]
    private let startsToken: [Bool]
    /// Byte trie: node `n`'s edges are `edgeStart[n]..<edgeStart[n + 1]`,
    /// sorted by byte (`edgeByte`) with the node each leads to (`edgeChild`).
    /// Most nodes have one edge; a lookup is a short binary search, no hashing.
    private let edgeStart: [Int32]
    private let edgeByte: [UInt8]
    private let edgeChild: [Int32]
    /// Index into `tokens` of the token ending at each node, or -1.
    private let terminal: [Int32]

    init(_ tokens: [AddedToken]) {
        self.tokens = tokens
        var startsToken = [Bool](repeating: false, count: 256)
        var edges: [[(byte: UInt8, child: Int32)]] = [[]]
        var terminal: [Int32] = [-1]
        for (index, token) in tokens.enumerated() where !token.content.isEmpty {
            var node = 0
            for byte in token.content.utf8 {
                if let edge = edges[node].first(where: { $0.byte == byte }) {
                    node = Int(edge.child)
                } else {
                    terminal.append(-1)
                    edges.append([])
                    edges[node].append((byte, Int32(terminal.count - 1)))
                    node = terminal.count - 1
                }
            }
            terminal[node] = Int32(index)
            startsToken[Int(token.content.utf8.first!)] = true
        }
        var edgeStart: [Int32] = [0]
        var edgeByte: [UInt8] = []
        var edgeChild: [Int32] = []
        for nodeEdges in edges {
            for edge in nodeEdges.sorted(by: { $0.byte < $1.byte }) {
                edgeByte.append(edge.byte)
                edgeChild.append(edge.child)
            }
            edgeStart.append(Int32(edgeByte.count))
        }
        self.startsToken = startsToken
        self.edgeStart = edgeStart
        self.edgeByte = edgeByte
        self.edgeChild = edgeChild
        self.terminal = terminal
    }

    /// The node the edge labelled `byte` leads to from `node`, if any.
    @inline(__always)
    private func child(of node: Int, _ byte: UInt8) -> Int? {
        var low = Int(edgeStart[node]), high = Int(edgeStart[node + 1])
        while low < high {
            let middle = (low + high) >> 1
            let label = edgeByte[middle]
            if label == byte { return Int(edgeChild[middle]) }
            if label < byte { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    var isEmpty: Bool { tokens.isEmpty }

    /// Cuts `text` into pieces that are added tokens (with their id) and
    /// free text (nil), in order. Empty pieces are left out.
    func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, TokenID?) -> Void) {
        guard !tokens.isEmpty, let p = text.baseAddress else {
            if !text.isEmpty { body(0..<text.count, nil) }
            return
        }
        let end = text.count
        var searchFrom = 0, freeFrom = 0
        while let (matchStart, matchEnd, token) = longestMatch(p, from: searchFrom, end) {
            searchFrom = matchEnd
            if token.singleWord,
                endsWithWordCharacter(p, before: matchStart)
                    || startsWithWordCharacter(p, matchEnd, end)
            {
                continue
            }
            var start = matchStart, stop = matchEnd
            if token.lstrip { start = max(whitespaceRunStart(p, before: start), freeFrom) }
            if token.rstrip { stop = whitespaceRunEnd(p, from: stop, end) }
            if start > freeFrom { body(freeFrom..<start, nil) }
            body(start..<stop, token.id)
            freeFrom = stop
            searchFrom = max(searchFrom, stop)
        }
        if freeFrom < end { body(freeFrom..<end, nil) }
    }

    private func longestMatch(_ p: UnsafePointer<UInt8>, from: Int, _ end: Int) -> (Int, Int, AddedToken)? {
        // Most bytes start no token: the table (256 entries, one a byte) read without a bounds check.
        startsToken.withUnsafeBufferPointer { startsToken in
            var i = from
            while i < end {
                if startsToken[Int(p[i])] {
                    var node = 0, j = i, best: (Int, Int32)? = nil
                    while j < end, let next = child(of: node, p[j]) {
                        node = next
                        j += 1
                        if terminal[node] >= 0 { best = (j, terminal[node]) }
                    }
                    if let (stop, index) = best { return (i, stop, tokens[Int(index)]) }
                }
                i += 1
            }
            return nil
        }
    }

    /// Start of the whitespace run ending at `index` (Rust `\s*$`).
    private func whitespaceRunStart(_ p: UnsafePointer<UInt8>, before index: Int) -> Int {
        var i = index
        while i > 0 {
            var s = i - 1
            while s > 0, p[s] & 0xC0 == 0x80 { s -= 1 }
            guard ScalarClassTable.shared.classOf(decodeScalar(p, s).value).contains(.whitespace) else { break }
            i = s
        }
        return i
    }

    /// End of the whitespace run starting at `index` (Rust `^\s*`).
    private func whitespaceRunEnd(_ p: UnsafePointer<UInt8>, from index: Int, _ end: Int) -> Int {
        var i = index
        while i < end {
            let (value, n) = decodeScalar(p, i)
            guard ScalarClassTable.shared.classOf(value).contains(.whitespace) else { break }
            i += n
        }
        return i
    }

    private func endsWithWordCharacter(_ p: UnsafePointer<UInt8>, before index: Int) -> Bool {
        guard index > 0 else { return false }
        var s = index - 1
        while s > 0, p[s] & 0xC0 == 0x80 { s -= 1 }
        return isWordCharacter(decodeScalar(p, s).value)
    }

    private func startsWithWordCharacter(_ p: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Bool {
        index < end && isWordCharacter(decodeScalar(p, index).value)
    }

    /// Rust regex's Unicode `\w`.
    private func isWordCharacter(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
            return true
        default:
            return properties.isAlphabetic || properties.isJoinControl
        }
    }
}
