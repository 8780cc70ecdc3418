@testable import RadixCache

/// A byte-level vocabulary for tests: ids 0-255 are single bytes, then
/// multi-byte pieces (some are parts of a multi-byte character), then
/// special tokens that decoded text may omit.
struct TestVocabulary: TokenBytes {
    static let pieces: [String] = [
        "Hel", "lo", "Hello", " world", " wor", "ld", "<think>", "中", "文", "中文", "é", " the", "the",
    ]
    /// Pieces given as raw bytes: the first two bytes of 中 (E4 B8 AD) and of é (C3 A9).
    static let partialCharacters: [[UInt8]] = [[0xE4, 0xB8], [0xC3]]
    static let specials: [String] = ["<|im_end|>", "<|endoftext|>"]
    /// A piece of 70 bytes: longer than `TokenFlags.longLength`.
    static let long = String(repeating: "=", count: 70)

    static let shared = TestVocabulary()

    let entries: [[UInt8]]
    let firstSpecial: UInt32

    init() {
        var entries = (0...255).map { [UInt8($0)] }
        entries += Self.pieces.map { Array($0.utf8) }
        entries += Self.partialCharacters
        entries.append(Array(Self.long.utf8))
        firstSpecial = UInt32(entries.count)
        entries += Self.specials.map { Array($0.utf8) }
        self.entries = entries
    }

    func withBytes<Result>(of token: UInt32, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        guard Int(token) < entries.count else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try entries[Int(token)].withUnsafeBytes(body)
    }

    func mayBeOmittedFromText(_ token: UInt32) -> Bool { (firstSpecial..<UInt32(entries.count)).contains(token) }

    /// The id of a piece or special token.
    func id(_ piece: String) -> UInt32 {
        UInt32(entries.firstIndex(of: Array(piece.utf8))!)
    }

    func id(bytes: [UInt8]) -> UInt32 {
        UInt32(entries.firstIndex(of: bytes)!)
    }

    var endOfTurn: UInt32 { id("<|im_end|>") }

    /// One token per byte.
    func bytewise(_ text: String) -> [UInt32] { text.utf8.map { UInt32($0) } }

    /// Greedy longest-piece tokenization (like a real tokenizer would, roughly).
    func greedy(_ text: String) -> [UInt32] {
        let bytes = Array(text.utf8)
        var tokens: [UInt32] = [], cursor = 0
        while cursor < bytes.count {
            let best = entries.indices.filter { index in
                index < Int(firstSpecial) && !entries[index].isEmpty
                    && bytes[cursor...].starts(with: entries[index])
            }.max { entries[$0].count < entries[$1].count }!
            tokens.append(UInt32(best))
            cursor += entries[best].count
        }
        return tokens
    }

    /// All ids whose bytes start `bytes[cursor...]`.
    func candidates(in bytes: [UInt8], at cursor: Int) -> [UInt32] {
        (0..<Int(firstSpecial)).filter { bytes[cursor...].starts(with: entries[$0]) }.map(UInt32.init)
    }

    func bytes(of token: UInt32) -> [UInt8] { entries[Int(token)] }
}

extension RadixCache {
    /// Inserts with default values: logprob -(index + 1) / 8, mask 1 from `generatedFrom` on.
    func insert(_ text: String, _ tokens: [UInt32], version: String = "1", generatedFrom: Int = 0) throws {
        try insert(
            text: text, tokens: tokens,
            logprobs: tokens.indices.map { -Double($0 + 1) / 8 },
            lossMask: tokens.indices.map { $0 >= generatedFrom ? 1 : 0 },
            weightVersion: version)
    }
}
