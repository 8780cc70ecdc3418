/// A vocabulary: every token's bytes (`spellings`) with a hash index from
/// bytes to id.
struct TokenTable: Sendable {
    let spellings: TokenSpellings
    /// Open addressing: `id + 1` of the token hashed there, 0 when empty.
    private let slots: [UInt32]
    private let mask: Int

    /// `entries[id]` holds the bytes of token `id`; `indexed` says which
    /// tokens the byte index may return (the others only have bytes).
    init(entries: [[UInt8]?], indexed: (Int) -> Bool = { _ in true }) {
        let spellings = TokenSpellings(entries: entries)
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [UInt32](repeating: 0, count: capacity)
        let mask = capacity - 1
        spellings.withStorage { arena, offsets in
            for id in entries.indices where entries[id] != nil && indexed(id) {
                let start = Int(offsets[id]), count = Int(offsets[id + 1]) - start
                guard count > 0 else { continue }
                var slot = Int(truncatingIfNeeded: hashBytes(arena.baseAddress! + start, count)) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = UInt32(id + 1)
            }
        }
        self.spellings = spellings
        self.slots = slots
        self.mask = mask
    }

    var count: Int { spellings.count }

    /// The id of the token spelling exactly these bytes.
    @inline(__always)
    func id(of p: UnsafePointer<UInt8>, _ count: Int) -> TokenID? {
        spellings.withStorage { arena, offsets -> TokenID? in
            slots.withUnsafeBufferPointer { s -> TokenID? in
                var slot = Int(truncatingIfNeeded: hashBytes(p, count)) & mask
                while true {
                    let entry = s[slot]
                    if entry == 0 { return nil }
                    let id = Int(entry - 1)
                    let start = Int(offsets[id])
                    if Int(offsets[id + 1]) - start == count,
                        memcmpBytes(arena.baseAddress! + start, p, count)
                    {
                        return TokenID(id)
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// The token spelling the bytes of `left` then `right`, if any.
    func concatenation(_ left: TokenID, _ right: TokenID) -> TokenID? {
        guard spellings.isKnown(left), spellings.isKnown(right) else { return nil }
        var joined: [UInt8] = []
        spellings.withBytes(of: left) { joined += $0 }
        spellings.withBytes(of: right) { joined += $0 }
        return id(of: joined)
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
