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
/// Two options serve a trainer (see `RadixCache.MatchOptions`): with a
/// generation named, only candidates holding that generation's tokens
/// count; with tails, a text that ends where a generation's client text
/// ended (at, or inside, the first token of its tail) takes the tail too,
/// its recency that of the last token before the tail.
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
        /// For a match ending with a tail: the stamp of the node where the
        /// tail starts, so that of two tails after one text the more recent
        /// wins. 0 otherwise.
        var tailStamp: UInt64
    }

    private let text: UnsafeBufferPointer<UInt8>
    private let options: RadixCache.MatchOptions
    /// `options.generation`, as nodes keep names.
    private let generation: GenerationName?
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
        _ text: UnsafeBufferPointer<UInt8>, options: RadixCache.MatchOptions = .init(), vocabulary: SharedTokenBytes,
        from root: Node, _ body: (borrowing PrefixSearch) -> Result
    ) -> Result {
        NodePath.withStackSpace { pathSpace in
            var search = PrefixSearch(text: text, options: options, vocabulary: vocabulary, path: NodePath(inline: pathSpace))
            if !text.isEmpty { search.exploreChildren(of: root, depth: 0, at: 0, tokensBefore: 0) }
            return body(search)
        }
    }

    private init(
        text: UnsafeBufferPointer<UInt8>, options: RadixCache.MatchOptions, vocabulary: SharedTokenBytes,
        path: consuming NodePath
    ) {
        self.text = text
        self.options = options
        self.generation = options.generation.map(GenerationName.init)
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
        // A tail may start with a token the text ends inside.
        guard options.includesTails, position < text.count else { return }
        node.children.forEachChild(extending: query) { child in
            enter(.passUnretained(child), depth: depth)
            explore(child, depth: depth, at: position, tokensBefore: tokensBefore)
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
        let shared =
            comparable == 0
            ? 0 : commonPrefixLength(runText.baseAddress!, text.baseAddress! + position, count: comparable)
        let wholeRun = shared == runText.count
        var (tokens, end) = wholeRun ? (run.count, position + shared) : tokensWithin(run, bytes: shared, at: position)
        if options.includesTails, position + shared == text.count {
            // The text ends right at a tail whose first tokens spell nothing:
            // the count took them in, but the tail starts before them. (Not
            // when it ends inside a token after them: the client's text ended
            // before that token.)
            var beforeTail = tokens
            while end == text.count, beforeTail > 0, run.isTail(at: beforeTail - 1), isOmitted(beforeTail - 1) {
                beforeTail -= 1
            }
            considerTail(of: node, depth: depth, after: beforeTail, tokensBefore: tokensBefore)
        }
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
    /// text position after them. Counted from the nearer end of the run: a
    /// trainer's text usually stops a few tokens before the end of a long
    /// node (before its stop token).
    private func tokensWithin(_ run: TokenRun, bytes: Int, at position: Int) -> (Int, Int) {
        func length(_ token: Int) -> Int {
            run.flags(at: token).textLength(of: run.token(at: token), vocabulary: vocabulary.tokenBytes)
        }
        var tokens = 0, offset = 0
        if bytes > run.textCount / 2 {
            (tokens, offset) = (run.count, run.textCount)
            while offset > bytes {
                tokens -= 1
                offset -= length(tokens)
            }
        } else {
            while tokens < run.count {
                let next = offset + length(tokens)
                if next > bytes { break }
                (tokens, offset) = (tokens + 1, next)
            }
        }
        return (tokens, position + offset)
    }

    private func isContinuationByte(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

    /// `path[depth]` is `node`: the candidate takes its first `tokens`
    /// tokens. A tail's recency is that of the token before it (`stamp`).
    private mutating func consider(
        _ node: Node, depth: Int, tokens: Int, end: Int, tokensBefore: Int, stamp: UInt64? = nil, tailStamp: UInt64 = 0
    ) {
        let stamp = stamp ?? node.stamp
        if let best,
            (end, stamp, tokensBefore + tokens, tailStamp)
                <= (best.byteCount, best.stamp, best.tokenCount, best.tailStamp)
        {
            return
        }
        if let generation, !pathHolds(generation, depth: depth, lastNodeTokens: tokens) { return }
        best = Found(
            nodeCount: depth + 1, lastNodeTokenCount: tokens, byteCount: end,
            tokenCount: tokensBefore + tokens, stamp: stamp, tailStamp: tailStamp)
        bestPathCopy = nil
    }

    /// Whether the walk's nodes down to `depth` hold generated tokens of
    /// `generation`, taking `lastNodeTokens` tokens of the last one.
    private func pathHolds(_ generation: GenerationName, depth: Int, lastNodeTokens: Int) -> Bool {
        (0...depth).contains { index in
            path[index]._withUnsafeGuaranteedRef { node in
                node.origin.generationName == generation
                    && node.run.hasGeneratedToken(in: index == depth ? lastNodeTokens : node.run.count)
            }
        }
    }

    /// The text ended after `tokens` whole tokens of `node` (and perhaps
    /// inside the next). If the next token starts a generation's tail (the
    /// token before it is not part of one), the tail is a candidate: in this
    /// run, or in a child carrying it (of the same origin, after a generated
    /// token; any, after a prompt token: a generation whose text was empty).
    /// `path[depth]` is `node`.
    private mutating func considerTail(of node: Node, depth: Int, after tokens: Int, tokensBefore: Int) {
        let run = node.run
        if tokens < run.count {
            let previous: Node? = tokens > 0 ? node : depth > 0 ? path[depth - 1].takeUnretainedValue() : nil
            guard run.isTail(at: tokens), !(tokens > 0 && run.isTail(at: tokens - 1)),
                tokens > 0 || previous.map({ mayPrecedeTail($0, in: node) }) ?? true
            else { return }
            let stamp = previous?.stamp ?? node.stamp
            return considerTail(node, from: tokens, depth: depth, tokensBefore: tokensBefore, stamp: stamp, tailStamp: node.stamp)
        }
        for child in node.children where child.node.run.isTail(at: 0) && mayPrecedeTail(node, in: child.node) {
            enter(.passUnretained(child.node), depth: depth + 1)
            considerTail(
                child.node, from: 0, depth: depth + 1, tokensBefore: tokensBefore + run.count,
                stamp: node.stamp, tailStamp: child.node.stamp)
        }
    }

    /// Whether `node`'s last token may come right before a tail starting
    /// `tailNode`: not a tail itself, and a prompt token or one of the
    /// tail's generation.
    private func mayPrecedeTail(_ node: Node, in tailNode: Node) -> Bool {
        let last = node.run.count - 1
        return !node.run.isTail(at: last) && (node.run.flags(at: last).lossMask == 0 || node.origin == tailNode.origin)
    }

    /// Takes a tail from token `first` of `node` (`path[depth]`) to its end:
    /// through the run, and on through children of the same origin that go
    /// on with it.
    private mutating func considerTail(
        _ node: Node, from first: Int, depth: Int, tokensBefore: Int, stamp: UInt64, tailStamp: UInt64
    ) {
        var (node, depth, first, tokensBefore) = (node, depth, first, tokensBefore)
        while true {
            var last = first
            while last < node.run.count, node.run.isTail(at: last) { last += 1 }
            let next =
                last == node.run.count
                ? node.children.first(where: { $0.node.run.isTail(at: 0) && $0.node.origin == node.origin })?.node : nil
            guard let next else {
                return consider(
                    node, depth: depth, tokens: last, end: text.count, tokensBefore: tokensBefore,
                    stamp: stamp, tailStamp: tailStamp)
            }
            enter(.passUnretained(next), depth: depth + 1)
            (tokensBefore, node, depth, first) = (tokensBefore + node.run.count, next, depth + 1, 0)
        }
    }
}
