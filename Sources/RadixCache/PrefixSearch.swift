/// The read side: finds, in one snapshot, the longest stored prefix of a
/// text that ends on a token boundary.
///
/// It walks the tree depth first, following every child whose text can
/// continue the text (usually one; several where stored tokenizations of
/// the same text differ), and compares a node's whole text at once. Only
/// where the text stops matching inside a node does it count tokens.
///
/// Candidates compare by matched bytes, then by recency (the stamp of the
/// node holding the last token), then by token count. Unless the whole text
/// matched, a match ends where the rest of the text can be tokenized on its
/// own: on a character boundary (a token holding part of a character goes
/// back to the rest) and not after a token omitted from the text (a skipped
/// stop token), which the rest's own text spells again if it is there.
struct PrefixSearch {
    struct Found {
        /// The nodes the match goes through; all tokens of each but the last.
        var path: [Node]
        var lastNodeTokenCount: Int
        var byteCount: Int
        var tokenCount: Int
        var stamp: UInt64
    }

    private let text: UnsafeBufferPointer<UInt8>
    private let vocabulary: any TokenBytes
    private var path: [Node] = []
    private(set) var best: Found?

    init(text: UnsafeBufferPointer<UInt8>, vocabulary: any TokenBytes) {
        self.text = text
        self.vocabulary = vocabulary
    }

    mutating func run(from root: Node) {
        guard !text.isEmpty else { return }
        exploreChildren(of: root, at: 0, tokensBefore: 0)
    }

    private mutating func exploreChildren(of node: Node, at position: Int, tokensBefore: Int) {
        let query = ChildKey.Query(text.baseAddress! + position, available: text.count - position)
        // Few children: test each key. Many: look up each key the text admits.
        if node.children.count <= ChildKey.longLength {
            for child in node.children where query.admits(child.key) {
                explore(child.node, at: position, tokensBefore: tokensBefore)
            }
            return
        }
        let keys = [ChildKey.omitted] + (0..<query.longestLength).map { query.key(length: $0 + 1) }
        for key in keys {
            for index in node.childIndices(withKey: key) {
                explore(node.children[index].node, at: position, tokensBefore: tokensBefore)
            }
        }
    }

    private mutating func explore(_ node: Node, at position: Int, tokensBefore: Int) {
        let run = node.run
        let comparable = min(run.textCount, text.count - position)
        let shared = comparable == 0
            ? 0 : commonPrefixLength(run.text.baseAddress!, text.baseAddress! + position, count: comparable)
        let wholeRun = shared == run.textCount
        var (tokens, end) = wholeRun ? (run.count, position + shared) : tokensWithin(run, bytes: shared, at: position)
        while tokens > 0, end < text.count, isContinuationByte(text[end]) || run.flags(at: tokens - 1).isOmittedFromText {
            tokens -= 1
            end -= run.flags(at: tokens).textLength(of: run.token(at: tokens), vocabulary: vocabulary)
        }
        if tokens > 0 {
            consider(node, tokens: tokens, end: end, tokensBefore: tokensBefore)
        }
        if wholeRun, !node.children.isEmpty {
            path.append(node)
            exploreChildren(of: node, at: position + run.textCount, tokensBefore: tokensBefore + run.count)
            path.removeLast()
        }
    }

    /// The tokens of `run` lying entirely in its first `bytes` bytes, and the
    /// text position after them.
    private func tokensWithin(_ run: TokenRun, bytes: Int, at position: Int) -> (Int, Int) {
        var tokens = 0, offset = 0
        while tokens < run.count {
            let length = run.flags(at: tokens).textLength(of: run.token(at: tokens), vocabulary: vocabulary)
            if offset + length > bytes { break }
            offset += length
            tokens += 1
        }
        return (tokens, position + offset)
    }

    private func isContinuationByte(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

    private mutating func consider(_ node: Node, tokens: Int, end: Int, tokensBefore: Int) {
        if let best, (end, node.stamp, tokensBefore + tokens) <= (best.byteCount, best.stamp, best.tokenCount) {
            return
        }
        // Reuse the previous best's array: deeper candidates replace it all the time.
        var nodes = best?.path ?? []
        best = nil
        nodes.removeAll(keepingCapacity: true)
        nodes += path
        nodes.append(node)
        best = Found(path: nodes, lastNodeTokenCount: tokens, byteCount: end,
                     tokenCount: tokensBefore + tokens, stamp: node.stamp)
    }
}
