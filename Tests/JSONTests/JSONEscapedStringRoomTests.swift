import JSON
import Testing

/// Strings with escapes are decoded into room sized by the literal's first
/// quote after an even run of backslashes. Literals made of pieces that
/// shrink by every ratio, with backslash runs just before quotes and
/// lengths about the String's small/large boundary, each parsed from a
/// buffer of exactly its bytes (an over-read shows under ASan): whole ones
/// decode to their text, every cut one is refused.
@Suite struct JSONEscapedStringRoomTests {
    /// A literal piece and the text it stands for.
    private static let pieces: [(literal: String, text: String)] = [
        ("a", "a"), ("é", "é"), (#"\\"#, "\\"), (#"\""#, "\""), (#"\/"#, "/"), (#"\n"#, "\n"),
        (#"\u0000"#, "\u{0}"), (#"\u0041"#, "A"), (#"\u00e9"#, "é"), (#"\u4e2d"#, "中"),
        (#"\ud83d\ude00"#, "😀"), (#"\\\""#, "\\\""), (#"\\\\"#, "\\\\"),
    ]

    /// Deterministic, so a failure repeats.
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    private func parsedExactly(_ bytes: [UInt8]) throws(JSONParser.Error) -> String? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: bytes.count))
        return try JSONParser.parse(UnsafeRawBufferPointer(buffer)).stringValue
    }

    @Test func generatedLiteralsDecodeWholeAndAreRefusedCut() throws {
        var generator = Generator(state: 17)
        for round in 0..<600 {
            // Plain bytes first (the fast path's part), then a piece with an escape.
            let plain = Int.random(in: 0..<20, using: &generator)
            var literal = String(repeating: "p", count: plain) + #"\t"#
            var text = String(repeating: "p", count: plain) + "\t"
            for _ in 0..<Int.random(in: 0..<6, using: &generator) {
                let piece = Self.pieces.randomElement(using: &generator)!
                literal += piece.literal
                text += piece.text
            }
            let bytes = Array(("\"" + literal + "\"").utf8)
            #expect(try parsedExactly(bytes) == text, "round \(round): \(literal)")
            for cut in 1..<bytes.count {
                #expect(throws: JSONParser.Error.self, "round \(round) cut at \(cut)") {
                    try parsedExactly(Array(bytes.prefix(cut)))
                }
            }
        }
    }

    /// Runs of backslashes before the string's last quote: an odd run
    /// escapes it (the input ends unterminated), an even one ends the string.
    @Test func backslashRunsBeforeTheLastQuote() throws {
        for run in 0..<9 {
            for plain in [0, 1, 13, 14, 15, 16, 31] {
                let bytes = Array(("\"" + String(repeating: "x", count: plain) + #"\n"# + String(repeating: "\\", count: run) + "\"").utf8)
                if run % 2 == 0 {
                    let text = String(repeating: "x", count: plain) + "\n" + String(repeating: "\\", count: run / 2)
                    #expect(try parsedExactly(bytes) == text, "run \(run), plain \(plain)")
                } else {
                    do {
                        _ = try parsedExactly(bytes)
                        Issue.record("run \(run), plain \(plain) parsed")
                    } catch {
                        #expect(error.message == "unterminated string" || error.message == "unterminated escape")
                    }
                }
            }
        }
    }

    @Test func surrogatesOutOfOrderAndBadBytesAfterEscapesAreRefused() {
        let refused: [[UInt8]] = [
            Array(#""\ude00\ud83d""#.utf8),  // reversed
            Array(#""\ud83d""#.utf8),  // lone high
            Array(#""\ude00""#.utf8),  // lone low
            Array(#""\ud83d\u0041""#.utf8),  // high then no low
            Array(#""\ud83d\n""#.utf8),
            Array(#""\n"#.utf8) + [0xED, 0xA0, 0x80] + Array(#"""#.utf8),  // a surrogate spelled raw
            Array(#""\n"#.utf8) + [0xC0, 0x80] + Array(#"""#.utf8),  // overlong NUL
            Array(#""\u00e9"#.utf8) + [0x80] + Array(#"""#.utf8),  // stray continuation
            Array(#""é\n"#.utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(#"""#.utf8),  // past U+10FFFF
        ]
        for bytes in refused {
            #expect(throws: JSONParser.Error.self, "\(bytes)") { try parsedExactly(bytes) }
        }
    }
}
