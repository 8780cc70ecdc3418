import HTTPHeaderFields
import Testing

/// `equalsIgnoringASCIICase(lowercase:)` compares a word at a time: it must
/// answer as a byte-by-byte comparison does, for every length of word and
/// whatever byte stands anywhere in the name.
@Suite struct LiteralNameComparisonTests {
    private static let literals: [StaticString] = [
        "", "a", "-", "te", "x-1", "host", "expect", "trailer", "upgrade", "x-req-id", "connection", "keep-alive",
        "content-length", "proxy-connection", "transfer-encoding", "proxy-authenticate", "proxy-authorization",
    ]

    /// The plain comparison the words must agree with: letters in either
    /// case, every other byte as it is.
    private func reference(_ bytes: [UInt8], _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { literal in
            bytes.count == literal.count
                && zip(bytes, literal).allSatisfy { byte, expected in
                    let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(expected | 0x20)
                    return isLetter ? byte | 0x20 == expected | 0x20 : byte == expected
                }
        }
    }

    private func compared(_ bytes: [UInt8], _ literal: StaticString) -> Bool {
        bytes.withUnsafeBufferPointer { $0.equalsIgnoringASCIICase(lowercase: literal) }
    }

    @Test(arguments: literals)
    func everyByteAnywhereAnswersAsTheByteLoopDoes(_ literal: StaticString) {
        let spelled = literal.withUTF8Buffer { Array($0) }
        #expect(compared(spelled, literal))
        #expect(compared(spelled.map { (0x61...0x7a).contains($0) ? $0 - 0x20 : $0 }, literal))
        #expect(!compared(spelled + [0x61], literal))
        for index in spelled.indices {
            for byte in UInt8.min...UInt8.max {
                var name = spelled
                name[index] = byte
                let expected = reference(name, literal)
                if compared(name, literal) != expected {
                    Issue.record("\(literal) with \(byte) at \(index): expected \(expected)")
                }
            }
        }
    }

    @Test func aNameOfAnotherLengthNeverMatches() {
        #expect(!compared(Array("hos".utf8), "host"))
        #expect(!compared(Array("hostt".utf8), "host"))
        #expect(!compared([], "te"))
        #expect(compared([], ""))
    }
}
