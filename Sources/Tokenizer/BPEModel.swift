/// A byte-level BPE model: words (byte strings) in, token ids out.
struct BPEModel: Sendable {
    let tokens: TokenTable
    let merges: PairTable
    /// The token of each single byte; `missingByte` when the vocabulary has
    /// none (HF then drops the byte, as it has no unknown token to emit).
    let byteTokens: [TokenID]
    /// A word that is itself a token is emitted whole without merging
    /// (HF's `ignore_merges`; always true for tiktoken).
    let ignoreMerges: Bool

    static let missingByte = TokenID.max

    init(tokens: TokenTable, merges: PairTable, ignoreMerges: Bool) {
        self.tokens = tokens
        self.merges = merges
        self.ignoreMerges = ignoreMerges
        self.byteTokens = (0..<256).map { byte in
            withUnsafePointer(to: UInt8(byte)) { tokens.id(of: $0, 1) } ?? Self.missingByte
        }
    }

    /// Appends the tokens of one word.
    func encodeWord(_ p: UnsafePointer<UInt8>, _ count: Int, into out: inout [TokenID]) {
        if count == 1 {
            let id = byteTokens[Int(p[0])]
            if id != Self.missingByte { out.append(id) }
            return
        }
        if ignoreMerges, let id = tokens.id(of: p, count) {
            out.append(id)
            return
        }
        withUnsafeTemporaryAllocation(of: TokenID.self, capacity: count) { symbols in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { pairs in
                var n = 0
                for i in 0..<count where byteTokens[Int(p[i])] != Self.missingByte {
                    symbols[n] = byteTokens[Int(p[i])]
                    n += 1
                }
                merge(symbols.baseAddress!, pairs.baseAddress!, &n)
                out.append(contentsOf: UnsafeBufferPointer(start: symbols.baseAddress!, count: n))
            }
        }
    }

    /// Repeatedly applies the lowest-ranked merge, leftmost first, the way
    /// HF's BPE and tiktoken both do. `pairs[i]` caches the packed merge of
    /// `symbols[i]` and `symbols[i + 1]`.
    private func merge(_ symbols: UnsafeMutablePointer<TokenID>, _ pairs: UnsafeMutablePointer<UInt64>, _ n: inout Int) {
        guard n > 1 else { return }
        for i in 0..<(n - 1) { pairs[i] = merges.lookup(symbols[i], symbols[i + 1]) }
        while n > 1 {
            var best = 0
            var bestValue = pairs[0]
            for i in 1..<(n - 1) where pairs[i] < bestValue {
                best = i
                bestValue = pairs[i]
            }
            if bestValue == PairTable.noMerge { return }
            symbols[best] = TokenID(truncatingIfNeeded: bestValue)
            // Drop symbol best+1 and the pair that started at it.
            let tail = n - best - 2
            if tail > 0 {
                (symbols + best + 1).update(from: symbols + best + 2, count: tail)
                (pairs + best + 1).update(from: pairs + best + 2, count: tail - 1)
            }
            n -= 1
            if best > 0 { pairs[best - 1] = merges.lookup(symbols[best - 1], symbols[best]) }
            if best < n - 1 { pairs[best] = merges.lookup(symbols[best], symbols[best + 1]) }
        }
    }
}
