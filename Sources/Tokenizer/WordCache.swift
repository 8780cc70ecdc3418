/// A direct-mapped cache of BPE results for short words (<= 24 bytes, <= 6
/// tokens): prose repeats words constantly, and a hit costs one hash and
/// two compares instead of a merge loop. A slot is overwritten on collision.
/// Not thread-safe: each encoding call borrows one from `ScratchPool`.
///
/// The tables are raw allocations rather than arrays: a class's array
/// properties pay a dynamic exclusivity check on every access, which cost
/// more than the lookups themselves on this hot path.
final class WordCache {
    static let maxWordBytes = 24
    static let maxTokens = 6
    private static let slotCount = 1 << 16

    /// Per slot: key bytes (3 words), then `length | tokenCount << 8`.
    private let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: slotCount * 3)
    private let info = UnsafeMutablePointer<UInt32>.allocate(capacity: slotCount)
    private let ids = UnsafeMutablePointer<TokenID>.allocate(capacity: slotCount * maxTokens)

    init() {
        keys.initialize(repeating: 0, count: Self.slotCount * 3)
        info.initialize(repeating: 0, count: Self.slotCount)
        ids.initialize(repeating: 0, count: Self.slotCount * Self.maxTokens)
    }

    deinit {
        keys.deallocate()
        info.deallocate()
        ids.deallocate()
    }

    /// Appends the cached tokens of the word, or computes them with `compute`
    /// (which appends to `out`) and remembers them.
    @inline(__always)
    func encode(
        _ p: UnsafePointer<UInt8>, _ count: Int, into out: inout [TokenID],
        compute: (inout [TokenID]) -> Void
    ) {
        var k0: UInt64 = 0, k1: UInt64 = 0, k2: UInt64 = 0
        for i in 0..<min(count, 8) { k0 |= UInt64(p[i]) << (UInt64(i) << 3) }
        if count > 8 { for i in 8..<min(count, 16) { k1 |= UInt64(p[i]) << (UInt64(i - 8) << 3) } }
        if count > 16 { for i in 16..<count { k2 |= UInt64(p[i]) << (UInt64(i - 16) << 3) } }
        let h = mix64(k0 ^ (k1 &* 0x9E37_79B9_7F4A_7C15) ^ (k2 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count) << 56)
        let slot = Int(truncatingIfNeeded: h) & (Self.slotCount - 1)
        let meta = info[slot]
        if Int(meta & 0xFF) == count, keys[slot * 3] == k0, keys[slot * 3 + 1] == k1, keys[slot * 3 + 2] == k2 {
            let n = Int(meta >> 8)
            for i in 0..<n { out.append(ids[slot * Self.maxTokens + i]) }
            return
        }
        let before = out.count
        compute(&out)
        let n = out.count - before
        guard n <= Self.maxTokens else { return }
        keys[slot * 3] = k0
        keys[slot * 3 + 1] = k1
        keys[slot * 3 + 2] = k2
        info[slot] = UInt32(count) | UInt32(n) << 8
        for i in 0..<n { ids[slot * Self.maxTokens + i] = out[before + i] }
    }
}
