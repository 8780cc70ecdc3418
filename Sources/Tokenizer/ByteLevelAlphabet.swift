/// GPT-2's reversible byte-to-character mapping: byte-level BPE files spell
/// every byte as a printable character (e.g. a space as "Ġ").
enum ByteLevelAlphabet {
    /// Character (as a scalar value) that spells each byte.
    static let characterOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// Inverse of `characterOfByte`, indexed by scalar value (< 324).
    static let byteOfCharacter: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (byte, scalar) in characterOfByte.enumerated() { table[Int(scalar)] = Int16(byte) }
        return table
    }()

    /// The bytes a vocabulary entry spells, or nil when it uses a character
    /// outside the alphabet.
    static func bytes(ofToken token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            let v = Int(scalar.value)
            guard v < byteOfCharacter.count, byteOfCharacter[v] >= 0 else { return nil }
            out.append(UInt8(byteOfCharacter[v]))
        }
        return out
    }

    /// What HF's ByteLevel decoder turns a token string into: its bytes when
    /// every character is in the alphabet, otherwise its UTF-8 unchanged.
    static func decodedBytes(ofToken token: String) -> [UInt8] {
        bytes(ofToken: token) ?? Array(token.utf8)
    }
}
