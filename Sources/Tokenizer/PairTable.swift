/// The merge rules of a BPE model: (left id, right id) -> (rank, merged id),
/// in an open-addressing table keyed by the packed pair.
struct PairTable: Sendable {
    private static let empty = UInt64.max
    private let keys: [UInt64]
    /// `rank << 32 | merged`: comparing packed values compares ranks first.
    private let values: [UInt64]
    private let mask: Int

    /// Later entries for the same pair replace earlier ones.
    init(_ merges: [(left: TokenID, right: TokenID, rank: UInt32, merged: TokenID)]) {
        var capacity = 16
        while capacity < merges.count * 2 { capacity <<= 1 }
        var keys = [UInt64](repeating: Self.empty, count: capacity)
        var values = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for m in merges {
            let key = UInt64(m.left) << 32 | UInt64(m.right)
            var slot = Self.slot(of: key, mask)
            while keys[slot] != Self.empty && keys[slot] != key { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = UInt64(m.rank) << 32 | UInt64(m.merged)
        }
        self.keys = keys
        self.values = values
        self.mask = mask
    }

    /// Sentinel for "these two do not merge"; larger than any packed value.
    static let noMerge = UInt64.max

    @inline(__always)
    private static func slot(of key: UInt64, _ mask: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h) & mask
    }

    /// Packed `rank << 32 | merged`, or `noMerge`.
    @inline(__always)
    func lookup(_ left: TokenID, _ right: TokenID) -> UInt64 {
        let key = UInt64(left) << 32 | UInt64(right)
        return keys.withUnsafeBufferPointer { k in
            var slot = Self.slot(of: key, mask)
            while true {
                let found = k[slot]
                if found == key { return values[slot] }
                if found == Self.empty { return Self.noMerge }
                slot = (slot + 1) & mask
            }
        }
    }
}
