import JSON
import Testing

/// Strings with escapes between long plain runs (a chat prompt's `\n`s):
/// decoded exactly, and bad bytes after an escape still refused where they are.
@Suite struct JSONParserStringTests {
    @Test func escapedStringsReadBackAsWritten() throws {
        let texts = [
            "<|im_start|>system\n" + String(repeating: "Answer with care. ", count: 200) + "<|im_end|>\n<|im_start|>assistant\n",
            "\"quoted\" \\ back\tslash \u{1} é 😀 /",
            "\n",
            "end with an escape\n",
        ]
        for text in texts {
            var json: [UInt8] = []
            writeJSONString(text, to: &json)
            #expect(try JSONParser.parse(json).stringValue == text)
        }
        #expect(try JSONParser.parse(Array(#""a\u00e9\ud83d\ude00\/b\n""#.utf8)).stringValue == "aé😀/b\n")
    }

    /// A byte to escape, or one not ASCII, at every offset of the scan's
    /// words and blocks, with another after it: strings and member names
    /// decode exactly, and a byte that is no UTF-8 before an escape in the
    /// same word is still refused.
    @Test func escapesAndOtherBytesAreFoundAtEveryOffset() throws {
        let plain = Array(repeating: UInt8(ascii: "a"), count: 40)
        let quote = UInt8(ascii: "\"")
        for first in 0..<40 {
            for (inserted, decoded) in [(#"\n"#, "\n"), ("é", "é"), (#"\""#, "\"")] {
                var text = plain
                text.insert(contentsOf: Array(inserted.utf8), at: first)
                text += Array(#"\tz"#.utf8)
                let expected = String(repeating: "a", count: first) + decoded + String(repeating: "a", count: 40 - first) + "\tz"
                let document = Array("{".utf8) + [quote] + text + [quote] + Array(":".utf8) + [quote] + text + [quote] + Array("}".utf8)
                let members = try document.withUnsafeBytes { bytes in try JSONParser.parseObjectMembers(bytes) }
                #expect(members.map(\.key) == [expected] && members.first?.value.stringValue == expected, "at \(first)")
            }
            // Just before the escape, in the word that finds it (or the one before).
            let invalid = [quote] + plain.prefix(first) + [0xFF] + Array(#"\n"#.utf8) + plain + [quote]
            #expect(throws: JSONParser.Error.self, "at \(first)") { try JSONParser.parse(invalid) }
        }
    }

    @Test func aControlCharacterAfterAnEscapeIsRefusedAtItsOffset() {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(Array("\"a\\nbc\u{1}\"".utf8)) }
        do {
            _ = try JSONParser.parse(Array("\"a\\nbc\u{1}\"".utf8))
        } catch {
            #expect(error.offset == 6)
            #expect(error.message == "control character in string")
        }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(Array("\"a\\nbc".utf8)) }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(Array("\"a\\qb\"".utf8)) }
    }

    /// Text decoded into room the literal's length gives: escapes that
    /// shrink the most (a surrogate pair's twelve bytes to four) fill it,
    /// escaped quotes and backslashes do not end it early, and every cut of such a literal is refused, with the error of the
    /// byte where it stops.
    @Test func escapesDecodeIntoTheLiteralsRoom() throws {
        let literal = #""\ud83d\ude00\u00e9\n\u0041é\\\"\\\ud83d\ude00""#
        #expect(try JSONParser.parse(Array(literal.utf8)).stringValue == "😀é\nAé\\\"\\😀")
        for cut in 1..<literal.utf8.count {
            #expect(throws: JSONParser.Error.self, "cut at \(cut)") { try JSONParser.parse(Array(literal.utf8.prefix(cut))) }
        }
        let refusals = [
            (#""ab\"#, "unterminated escape", 4),
            (#""a\u12"x""#, "invalid \\u escape", 6),
            (#""a\ud83d\u"#, "unpaired surrogate", 8),
            (#""a\nb"#, "unterminated string", 5),
        ]
        for (text, message, offset) in refusals {
            do {
                _ = try JSONParser.parse(Array(text.utf8))
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.message == message && error.offset == offset, "\(text): \(error)")
            }
        }
        // A byte that is no UTF-8 after the escape, in the text's last run.
        let invalid = Array(#""a\nb"#.utf8) + [0xC3] + Array(#"""#.utf8)
        do {
            _ = try JSONParser.parse(invalid)
            Issue.record("invalid UTF-8 parsed")
        } catch {
            #expect(error.message == "string is not valid UTF-8" && error.offset == 1)
        }
    }
}
