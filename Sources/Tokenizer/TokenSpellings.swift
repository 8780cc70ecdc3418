/// The exact bytes of every token id, in one arena: each id is one bounds
/// check and two offsets away from its bytes. The model's vocabulary keeps
/// one (under its byte index, `TokenTable`); the tokenizer keeps another
/// with its added tokens over the model's, which decoding and the radix
/// cache read token after token.
@usableFromInline
struct TokenSpellings: Sendable {
    @usableFromInline let arena: [UInt8]
    /// `offsets[id] ..< offsets[id + 1]` spell `id`.
    @usableFromInline let offsets: [UInt32]
    /// Whether `id` is in the vocabulary (a known token may spell nothing).
    @usableFromInline let known: [Bool]

    /// Ids `0 ..< count`; `spell` appends the bytes of an id to the arena
    /// and says whether the id is known.
    init(count: Int, spell: (Int, inout [UInt8]) -> Bool) {
        var arena: [UInt8] = []
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(count + 1)
        var known: [Bool] = []
        known.reserveCapacity(count)
        for id in 0..<count {
            known.append(spell(id, &arena))
            offsets.append(UInt32(arena.count))
        }
        self.arena = arena
        self.offsets = offsets
        self.known = known
    }

    /// Ids `0 ..< count`, each spelled by `entries[id]` (nil: unknown).
    init(entries: [[UInt8]?]) {
        self.init(count: entries.count) { id, arena in
            guard let entry = entries[id] else { return false }
            arena += entry
            return true
        }
    }

    var count: Int { known.count }

    @inlinable
    func isKnown(_ id: TokenID) -> Bool { Int(id) < known.count && known[Int(id)] }

    /// Calls `body` with the bytes of `id`, empty for an unknown id.
    @inlinable
    func withBytes<Result>(of id: TokenID, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        guard isKnown(id) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        // From the base address rather than a slice: called generically (the
        // radix cache's `TokenBytes`), a slice costs metadata look-ups per call.
        let start = Int(offsets[Int(id)]), end = Int(offsets[Int(id) + 1])
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(start: $0.baseAddress! + start, count: end - start)) }
    }

    /// How many bytes `id` spells if `text` starts with them; nil if it
    /// does not, or if the id spells nothing. Byte by byte where they lie:
    /// tokens are a few bytes long, and a radix-cache insert asks this of
    /// every token it has not stored yet.
    @inlinable
    func spelledLength(of id: TokenID, at text: UnsafeRawBufferPointer) -> Int? {
        guard isKnown(id) else { return nil }
        let start = Int(offsets[Int(id)]), count = Int(offsets[Int(id) + 1]) - start
        guard count > 0, count <= text.count else { return nil }
        return arena.withUnsafeBufferPointer { arena in
            for offset in 0..<count where arena[start + offset] != text[offset] { return nil }
            return count
        }
    }

    func byteCount(of id: TokenID) -> Int {
        isKnown(id) ? Int(offsets[Int(id) + 1] - offsets[Int(id)]) : 0
    }

    /// Calls `body` with the arena and the offsets, for a hot loop over
    /// many ids (the byte index's probes).
    @inline(__always)
    func withStorage<Result>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt32>) -> Result) -> Result {
        arena.withUnsafeBufferPointer { arena in offsets.withUnsafeBufferPointer { body(arena, $0) } }
    }
}
