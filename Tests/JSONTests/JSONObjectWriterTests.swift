import JSON
import Testing

@Suite struct JSONObjectWriterTests {
    @Test func membersReadBackAsWritten() throws {
        var writer = JSONObjectWriter()
        writer.add("ids", integers: [UInt32(0), 7, 151_645, UInt32.max])
        [UInt8(0), 1, 255].withUnsafeBufferPointer { writer.add("mask", integers: $0) }
        [0.0, -0.0, -0.5, -1.25e-7, -3.4028234663852886e+38, 2.0, -17.0, 1e300].withUnsafeBufferPointer {
            writer.add("logp", doubles: $0, thenZeros: 2)
        }
        writer.add("versions", runs: [(value: "12", count: 2), (value: "x", count: 0), (value: nil, count: 1), (value: "a\"b", count: 1)])
        writer.add("empty", integers: UnsafeBufferPointer(start: nil, count: 0))
        writer.add("text", .string("line\nnext \u{1} \\ \"quoted\" é"))
        writer.add("hit", .bool(true))
        let parsed = try JSONParser.parse(writer.finish())

        #expect(parsed["ids"] == .array(["0", "7", "151645", "4294967295"].map(JSONValue.number)))
        let logprobs = try #require(parsed["logp"]?.arrayValue).compactMap(\.doubleValue)
        #expect(
            logprobs.map(\.bitPattern) == [0.0, -0.0, -0.5, -1.25e-7, -3.4028234663852886e+38, 2.0, -17.0, 1e300, 0, 0].map(\.bitPattern))
        #expect(parsed["versions"] == .array([.string("12"), .string("12"), .null, .string("a\"b")]))
        #expect(parsed["empty"] == .array([]))
        #expect(parsed["text"]?.stringValue == "line\nnext \u{1} \\ \"quoted\" é")
        #expect(parsed["hit"] == .bool(true))
    }

    @Test func doublesReadBackBitForBitAndNonFiniteOnesAreNull() {
        let finite = [0.0, -0.0, 3.0, -17.0, 0.1, -2.5e-8, 1e15, -1e300, Double(Float(-0.6931472)), .leastNonzeroMagnitude]
        for value in finite {
            #expect(Double(formatJSONDouble(value))?.bitPattern == value.bitPattern, "\(value)")
        }
        #expect([0.0, -0.0, 3.0, -17.0].map(formatJSONDouble) == ["0.0", "-0.0", "3.0", "-17.0"])
        #expect([Double.infinity, -.infinity, .nan].map(formatJSONDouble) == ["null", "null", "null"])
    }

    @Test func anEmptyObject() {
        #expect(JSONObjectWriter().finish() == Array("{}".utf8))
    }

    @Test func stringsEscapeQuotesBackslashesAndControlCharactersOnly() {
        var out: [UInt8] = []
        writeJSONString("a\"b\\c\n\r\t\u{0}\u{1f} ü/", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\n\r\t\u0000\u001f ü/""#)
    }
}
