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
///
/// It retains no node: the tree searched must stay alive for as long as the
/// search and its result are used (a reader's `SnapshotCell.read` section).
/// Its path lives in stack memory of `searching` (see `NodePath`), so a
/// search exists only inside that call, and cannot be copied out of it.
struct PrefixSearch: ~Copyable {
    /// The best match so far: it takes all tokens of its first `nodeCount - 1`
    /// nodes and `lastNodeTokenCount` of the last.
    struct Found {
        var nodeCount: Int
        var lastNodeTokenCount: Int
        var byteCount: Int
        var tokenCount: Int
        var stamp: UInt64
    }

    private let text: UnsafeBufferPointer<UInt8>
    /// Unowned, since a reference count every reader changed on every
    /// lookup would be a shared write: `searching` borrows the vocabulary
    /// for the whole call, and a search cannot outlive that call.
    private unowned(unsafe) let vocabulary: SharedTokenBytes
    /// The nodes of the walk, by depth; entries past the current depth are stale.
    private var path: NodePath
    private(set) var best: Found?
    /// The best match's nodes, copied out of `path` only once the walk is
    /// about to overwrite them (when it leaves that branch for another):
    /// until then they are `path`'s first `best.nodeCount` entries.
    private var bestPathCopy: [Unmanaged<Node>]?

    /// Searches the tree under `root` for `text`, then calls `body` with the finished search.
    static func searching<Result>(
        _ text: UnsafeBufferPointer<UInt8>, vocabulary: SharedTokenBytes, from root: Node,
        _ body: (borrowing PrefixSearch) -> Result
    ) -> Result {
        NodePath.withStackSpace { pathSpace in
            var search = PrefixSearch(text: text, vocabulary: vocabulary, path: NodePath(inline: pathSpace))
            if !text.isEmpty { search.exploreChildren(of: root, depth: 0, at: 0, tokensBefore: 0) }
            return body(search)
        }
    }

    private init(text: UnsafeBufferPointer<UInt8>, vocabulary: SharedTokenBytes, path: consuming NodePath) {
        self.text = text
        self.vocabulary = vocabulary
        self.path = path
    }

    /// Calls `body` with each node of the best match and how many of its tokens the match takes.
    func forEachBestNode(_ body: (Node, Int) -> Void) {
        guard let best else { return }
        for index in 0..<best.nodeCount {
            bestNode(at: index)._withUnsafeGuaranteedRef {
                body($0, index == best.nodeCount - 1 ? best.lastNodeTokenCount : $0.run.count)
            }
        }
    }

    /// The last node of the best match, if there is one.
    var bestLastNode: Unmanaged<Node>? { best.map { bestNode(at: $0.nodeCount - 1) } }

    private func bestNode(at index: Int) -> Unmanaged<Node> {
        if let bestPathCopy { return bestPathCopy[index] }
        return path[index]
    }

    private mutating func exploreChildren(of node: Node, depth: Int, at position: Int, tokensBefore: Int) {
        let query = ChildKey.Query(text.baseAddress! + position, available: text.count - position)
        node.children.forEachChild(continuing: query) { child in
            enter(child, depth: depth)
            child._withUnsafeGuaranteedRef { explore($0, depth: depth, at: position, tokensBefore: tokensBefore) }
        }
    }

    /// Records `node` as the walk's node at `depth`, first saving the best
    /// match's nodes if this overwrites one of them.
    private mutating func enter(_ node: Unmanaged<Node>, depth: Int) {
        if let best, bestPathCopy == nil, depth < best.nodeCount {
            bestPathCopy = (0..<best.nodeCount).map { path[$0] }
        }
        path[depth] = node
    }

    private mutating func explore(_ node: Node, depth: Int, at position: Int, tokensBefore: Int) {
        let run = node.run
        // Read before the text comparison, so that their cache misses overlap it.
        let hasChildren = !node.children.isEmpty
        let lastTokenOmitted = run.flags(at: run.count - 1).isOmittedFromText
        func isOmitted(_ token: Int) -> Bool {
            token == run.count - 1 ? lastTokenOmitted : run.flags(at: token).isOmittedFromText
        }
        let runText = node.text
        let comparable = min(runText.count, text.count - position)
        let shared = comparable == 0
            ? 0 : commonPrefixLength(runText.baseAddress!, text.baseAddress! + position, count: comparable)
        let wholeRun = shared == runText.count
        var (tokens, end) = wholeRun ? (run.count, position + shared) : tokensWithin(run, bytes: shared, at: position)
        while tokens > 0, end < text.count, isContinuationByte(text[end]) || isOmitted(tokens - 1) {
            tokens -= 1
            end -= run.flags(at: tokens).textLength(of: run.token(at: tokens), vocabulary: vocabulary.tokenBytes)
        }
        if tokens > 0 {
            consider(node, depth: depth, tokens: tokens, end: end, tokensBefore: tokensBefore)
        }
        if wholeRun, hasChildren {
            exploreChildren(of: node, depth: depth + 1, at: position + runText.count, tokensBefore: tokensBefore + run.count)
        }
    }

    /// The tokens of `run` lying entirely in its first `bytes` bytes, and the
    /// text position after them.
    private func tokensWithin(_ run: TokenRun, bytes: Int, at position: Int) -> (Int, Int) {
        var tokens = 0, offset = 0
        while tokens < run.count {
            let length = run.flags(at: tokens).textLength(of: run.token(at: tokens), vocabulary: vocabulary.tokenBytes)
            if offset + length > bytes { break }
            offset += length
            tokens += 1
        }
        return (tokens, position + offset)
    }

    private func isContinuationByte(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

    private mutating func consider(_ node: Node, depth: Int, tokens: Int, end: Int, tokensBefore: Int) {
        if let best, (end, node.stamp, tokensBefore + tokens) <= (best.byteCount, best.stamp, best.tokenCount) {
            return
        }
        best = Found(nodeCount: depth + 1, lastNodeTokenCount: tokens, byteCount: end,
                     tokenCount: tokensBefore + tokens, stamp: node.stamp)
        bestPathCopy = nil
    }
}
