import JSON
import Glibc
import Tokenizer

/// How a generation's tokens spell the text its client got, and what comes
/// after it: the key text the cache stores the generation under.
///
/// SGLang's `text` leaves out special tokens (the stop token among them)
/// and a matched stop string, whose tokens stay in `output_ids`. The key is
/// the client's text as far as the tokens spell it, a special token it
/// leaves out taking no bytes, then the remaining tokens, the *tail*,
/// spelled out (`<|im_end|>` as written). So a trainer retrieving
/// `prompt + text` gets the tail too (the cache returns a tail when a text
/// ends where it starts), and a next turn whose chat template writes
/// `<|im_end|>` after the answer matches the generated stop token itself.
struct GeneratedSpelling: Equatable {
    /// The generated part of the key text.
    let text: String
    /// How many of the generated tokens are stored: output ending inside a
    /// UTF-8 character is cut back to the last whole one.
    let storedCount: Int
    /// How many of the stored tokens come after the client's text.
    let tailCount: Int

    /// With no client text, or one the tokens do not spell, every token is
    /// spelled out and none counts as a tail.
    init(ids: [UInt32], clientText: String?, tokenizer: Tokenizer) {
        var key = KeyBytes(room: ids, tokenizer)
        var client = clientText
        let visible = client?.withUTF8 { Self.spellVisible(ids, client: $0, tokenizer, into: &key) } ?? nil
        if visible == nil { key.removeAll() }
        for id in ids[(visible ?? 0)...] { key.append(id, tokenizer) }
        // Usually the bytes are valid UTF-8 to the end: the check's string
        // is then the text, and every token is stored.
        let whole = validUTF8String(key.bytes)
        let stored = whole == nil ? key.wholeCharacterTokens : ids.count
        storedCount = stored
        tailCount = visible.map { max(0, stored - $0) } ?? 0
        text = whole ?? key.text(ofFirst: stored)
    }

    /// Walks the tokens along `client`: each one whose bytes continue it, or
    /// a special token it leaves out, is visible. Returns how many are, or
    /// nil if the client text disagrees with the tokens. (It may end inside
    /// the next token: a stop string trimmed mid-token.)
    private static func spellVisible(
        _ ids: [UInt32], client: UnsafeBufferPointer<UInt8>, _ tokenizer: Tokenizer, into key: inout KeyBytes
    ) -> Int? {
        // A visible token's bytes are the client's own: the walk notes only
        // where each ends, and the client's bytes are copied once after it
        // (appending each token's bytes cost more than comparing them).
        var shown = 0
        var index = 0
        while index < ids.count {
            let continues = tokenizer.withBytes(of: ids[index]) { piece in
                guard
                    !piece.isEmpty && client.count - shown >= piece.count
                        && memcmp(client.baseAddress! + shown, piece.baseAddress!, piece.count) == 0
                else { return false }
                shown += piece.count
                return true
            }
            // A special token the text leaves out takes no bytes.
            if !continues { guard tokenizer.isSpecial(ids[index]) && shown < client.count else { break } }
            key.endToken(at: shown)
            index += 1
        }
        key.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: client[..<shown])))
        guard shown < client.count else { return index }
        var rest: [UInt8] = []
        for id in ids[index...] where rest.count < client.count - shown { tokenizer.withBytes(of: id) { rest += $0 } }
        return rest.starts(with: client[shown...]) ? index : nil
    }
}

/// Key bytes, and where each token's bytes end in them.
private struct KeyBytes {
    var bytes: [UInt8] = []
    var ends: [Int] = []

    /// Room for every token of `ids` at once: grown by doubling, the two
    /// arrays would be reallocated several times per generation.
    init(room ids: [UInt32], _ tokenizer: Tokenizer) {
        bytes.reserveCapacity(ids.reduce(0) { $0 + tokenizer.byteLength(of: $1) })
        ends.reserveCapacity(ids.count)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// A token, spelled out.
    mutating func append(_ id: UInt32, _ tokenizer: Tokenizer) {
        tokenizer.withBytes(of: id) { append($0) }
        endToken(at: bytes.count)
    }

    /// Bytes, without ending a token.
    mutating func append(_ piece: UnsafeRawBufferPointer) {
        piece.withMemoryRebound(to: UInt8.self) { bytes.append(contentsOf: $0) }
    }

    /// Notes that a token's bytes end at `end` (which may lie ahead of the
    /// bytes appended so far: they follow).
    mutating func endToken(at end: Int) { ends.append(end) }

    /// The tokens that end on or before the last whole UTF-8 character.
    var wholeCharacterTokens: Int {
        let valid = validUTF8PrefixLength(bytes)
        return ends.prefix { $0 <= valid }.count
    }

    func text(ofFirst count: Int) -> String {
        String(decoding: bytes[..<(count > 0 ? ends[count - 1] : 0)], as: UTF8.self)
    }
}

/// The length of the longest prefix of `bytes` that is valid UTF-8.
func validUTF8PrefixLength(_ bytes: [UInt8]) -> Int {
    var index = 0
    while index < bytes.count {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: length = 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return index
        }
        guard index + length <= bytes.count,
            String(validating: bytes[index..<index + length], as: UTF8.self) != nil
        else { return index }
        index += length
    }
    return index
}
