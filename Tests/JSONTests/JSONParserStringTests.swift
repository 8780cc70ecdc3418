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
}
