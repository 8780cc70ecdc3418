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
    /// Byte trie: node `n`'s edges are `edges[nodes[n].firstEdge ..<
    /// nodes[n + 1].firstEdge]` (a last node closes the list), sorted by
    /// byte. Most nodes have one edge; a lookup is a short binary search, no
    /// hashing.
    private let nodes: [TrieNode]
    private let edges: [TrieEdge]

    private struct TrieNode {
        var firstEdge: Int32
        /// Index into `tokens` of the token ending here, or -1.
        var token: Int32
    }

    private struct TrieEdge {
        var byte: UInt8
        var child: Int32
    }

    init(_ tokens: [AddedToken]) {
        self.tokens = tokens
        var startsToken = [Bool](repeating: false, count: 256)
        var children: [[TrieEdge]] = [[]]
        var terminal: [Int32] = [-1]
        for (index, token) in tokens.enumerated() where !token.content.isEmpty {
            var node = 0
            for byte in token.content.utf8 {
                if let edge = children[node].first(where: { $0.byte == byte }) {
                    node = Int(edge.child)
                } else {
                    terminal.append(-1)
                    children.append([])
                    children[node].append(TrieEdge(byte: byte, child: Int32(terminal.count - 1)))
                    node = terminal.count - 1
                }
            }
            terminal[node] = Int32(index)
            startsToken[Int(token.content.utf8.first!)] = true
        }
        var nodes: [TrieNode] = []
        var edges: [TrieEdge] = []
        for (node, nodeEdges) in children.enumerated() {
            nodes.append(TrieNode(firstEdge: Int32(edges.count), token: terminal[node]))
            edges += nodeEdges.sorted { $0.byte < $1.byte }
        }
        nodes.append(TrieNode(firstEdge: Int32(edges.count), token: -1))
        self.startsToken = startsToken
        self.nodes = nodes
        self.edges = edges
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
        while let (matchStart, matchEnd, index) = longestMatch(p, from: searchFrom, end) {
            searchFrom = matchEnd
            // Fields read in place: copying the token would retain its content.
            let token = (
                id: tokens[index].id, singleWord: tokens[index].singleWord,
                lstrip: tokens[index].lstrip, rstrip: tokens[index].rstrip
            )
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

    /// The leftmost-longest token from `from`: its start, end and index in
    /// `tokens`. This reads every byte of every prompt, so the tables are
    /// read as raw buffers: their bounds checks cost more than the lookups.
    private func longestMatch(_ p: UnsafePointer<UInt8>, from: Int, _ end: Int) -> (Int, Int, Int)? {
        startsToken.withUnsafeBufferPointer { startsToken in
            nodes.withUnsafeBufferPointer { nodes in
                edges.withUnsafeBufferPointer { edges in
                    var i = from
                    while i < end {
                        if startsToken[Int(p[i])], let (stop, index) = Self.longestToken(p, at: i, end, nodes, edges) {
                            return (i, stop, index)
                        }
                        i += 1
                    }
                    return nil
                }
            }
        }
    }

    /// End and index of the longest token starting at `start`, if any.
    @inline(__always)
    private static func longestToken(
        _ p: UnsafePointer<UInt8>, at start: Int, _ end: Int,
        _ nodes: UnsafeBufferPointer<TrieNode>, _ edges: UnsafeBufferPointer<TrieEdge>
    ) -> (Int, Int)? {
        var node = 0, j = start, best: (Int, Int)? = nil
        walk: while j < end {
            let byte = p[j]
            var low = Int(nodes[node].firstEdge), high = Int(nodes[node + 1].firstEdge)
            while low < high {
                let middle = (low + high) >> 1
                let edge = edges[middle]
                if edge.byte == byte {
                    node = Int(edge.child)
                    j += 1
                    if nodes[node].token >= 0 { best = (j, Int(nodes[node].token)) }
                    continue walk
                }
                if edge.byte < byte { low = middle + 1 } else { high = middle }
            }
            break
        }
        return best
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
