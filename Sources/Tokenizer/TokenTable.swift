/// Every token's bytes in one arena, with a hash index from bytes to id.
struct TokenTable: Sendable {
    private let arena: [UInt8]
    /// `offsets[id] ..< offsets[id + 1]` are the bytes of `id`.
    private let offsets: [UInt32]
    private let present: [Bool]
    /// Open addressing: `id + 1` of the token hashed there, 0 when empty.
    private let slots: [UInt32]
    private let mask: Int

    /// `entries[id]` holds the bytes of token `id`; `indexed` says which
    /// tokens the byte index may return (the others only have bytes).
    init(entries: [[UInt8]?], indexed: (Int) -> Bool = { _ in true }) {
        var arena: [UInt8] = []
        arena.reserveCapacity(entries.reduce(0) { $0 + ($1?.count ?? 0) })
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(entries.count + 1)
        for entry in entries {
            if let entry { arena.append(contentsOf: entry) }
            offsets.append(UInt32(arena.count))
        }
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [UInt32](repeating: 0, count: capacity)
        let mask = capacity - 1
        arena.withUnsafeBufferPointer { a in
            for (id, entry) in entries.enumerated() where entry != nil && indexed(id) {
                let start = Int(offsets[id]), count = Int(offsets[id + 1]) - start
                guard count > 0 else { continue }
                var slot = Int(truncatingIfNeeded: hashBytes(a.baseAddress! + start, count)) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = UInt32(id + 1)
            }
        }
        self.arena = arena
        self.offsets = offsets
        self.present = entries.map { $0 != nil }
        self.slots = slots
        self.mask = mask
    }

    var count: Int { present.count }

    func bytes(of id: Int) -> ArraySlice<UInt8>? {
        guard id >= 0, id < present.count, present[id] else { return nil }
        return arena[Int(offsets[id])..<Int(offsets[id + 1])]
    }

    /// The id of the token spelling exactly these bytes.
    @inline(__always)
    func id(of p: UnsafePointer<UInt8>, _ count: Int) -> TokenID? {
        arena.withUnsafeBufferPointer { a -> TokenID? in
            offsets.withUnsafeBufferPointer { o -> TokenID? in
                slots.withUnsafeBufferPointer { s -> TokenID? in
                    var slot = Int(truncatingIfNeeded: hashBytes(p, count)) & mask
                    while true {
                        let entry = s[slot]
                        if entry == 0 { return nil }
                        let id = Int(entry - 1)
                        let start = Int(o[id])
                        if Int(o[id + 1]) - start == count,
                           memcmpBytes(a.baseAddress! + start, p, count) {
                            return TokenID(id)
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// The token spelling the bytes of `left` then `right`, if any.
    func concatenation(_ left: TokenID, _ right: TokenID) -> TokenID? {
        guard let a = bytes(of: Int(left)), let b = bytes(of: Int(right)) else { return nil }
        return id(of: Array(a) + Array(b))
    }

    func id(of bytes: [UInt8]) -> TokenID? {
        bytes.withUnsafeBufferPointer { $0.isEmpty ? nil : id(of: $0.baseAddress!, $0.count) }
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
