/// The merge rules of a BPE model: (left id, right id) -> (rank, merged id),
/// in an open-addressing table keyed by the packed pair. Key and value sit
/// side by side so a lookup touches one cache line.
struct PairTable: Sendable {
    private static let empty = UInt64.max
    /// Slot `s` holds its key at `2s` and `rank << 32 | merged` at `2s + 1`
    /// (comparing packed values compares ranks first).
    private let slots: [UInt64]
    private let mask: Int

    /// Later entries for the same pair replace earlier ones.
    init(_ merges: [(left: TokenID, right: TokenID, rank: UInt32, merged: TokenID)]) {
        var capacity = 16
        while capacity < merges.count * 3 / 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: Self.empty, count: capacity * 2)
        let mask = capacity - 1
        for m in merges {
            let key = UInt64(m.left) << 32 | UInt64(m.right)
            var slot = Self.slot(of: key, mask)
            while slots[2 * slot] != Self.empty && slots[2 * slot] != key { slot = (slot + 1) & mask }
            slots[2 * slot] = key
            slots[2 * slot + 1] = UInt64(m.rank) << 32 | UInt64(m.merged)
        }
        self.slots = slots
        self.mask = mask
    }

    /// Sentinel for "these two do not merge"; larger than any packed value.
    static let noMerge = UInt64.max

    @inline(__always)
    private static func slot(of key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: mix64(key)) & mask
    }

    /// Packed `rank << 32 | merged`, or `noMerge`.
    @inline(__always)
    func lookup(_ left: TokenID, _ right: TokenID) -> UInt64 {
        let key = UInt64(left) << 32 | UInt64(right)
        return slots.withUnsafeBufferPointer { s in
            var slot = Self.slot(of: key, mask)
            while true {
                let found = s[2 * slot]
                if found == key { return s[2 * slot + 1] }
                if found == Self.empty { return Self.noMerge }
                slot = (slot + 1) & mask
            }
        }
    }
}
