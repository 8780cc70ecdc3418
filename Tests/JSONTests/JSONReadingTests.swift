import JSON
import Testing

/// Reading a document value by value: what is skipped is checked as
/// `parse` checks it, and numbers read as doubles as `Double(String)` reads them.
@Suite struct JSONReadingTests {
    private func skipped(_ text: String) throws {
        try Array(text.utf8).withUnsafeBytes { bytes in
            try JSONParser.read(bytes) { parser throws(JSONParser.Error) in try parser.skipValue() }
        }
    }

    @Test func skippingRefusesWhatParsingRefuses() {
        let documents = [
            #"{"a":[1,2,{"b":null}],"c":"d"}"#, #"  [true, false, -0.5e+3, "é"]  "#, "{}", "[]", "0",
            "{", "[1,]", #"{"a" 1}"#, #"{"a":1,}"#, "01", "1.", "-", "tru", #""\x""#, #""\ud800""#, "[1] 2",
            "\"\u{1}\"", String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
        ]
        for document in documents {
            let parses = (try? JSONParser.parse(document)) != nil
            let skips = (try? skipped(document)) != nil
            #expect(parses == skips, "\(document)")
        }
        #expect(throws: JSONParser.Error.self) {
            try [0x22, 0xC3, 0x22].withUnsafeBytes { bytes in
                try JSONParser.read(bytes) { parser throws(JSONParser.Error) in try parser.skipValue() }
            }
        }
    }

    /// Plain digits for a 32-bit integer are read; anything else is left
    /// unread for the caller's general path, which reads it as before
    /// (and refuses `01`, as `parse` does).
    @Test func plainUInt32sAreReadAndOtherValuesLeft() throws {
        let cases: [(String, UInt32?)] = [
            ("0", 0), ("7", 7), (" 220 ", 220), ("151645", 151_645), ("4294967295", UInt32.max), ("4294967296", nil),
            ("12345678901", nil), ("01", nil), ("-1", nil), ("12.5", nil), ("1e2", nil), ("1E2", nil), ("null", nil),
            ("\"7\"", nil), ("[7]", nil), ("-0", nil), ("00", nil), ("0.0", nil), ("0e1", nil), ("1e+3", nil),
            ("9999999999", nil),
        ]
        for (document, expected) in cases {
            var value: UInt32?, unreadAt = -1
            let parsed = Array(document.utf8).withUnsafeBytes { bytes in
                Result { () throws(JSONParser.Error) in
                    try JSONParser.read(bytes) { parser throws(JSONParser.Error) in
                        let start = parser.offset
                        value = try parser.readPlainUInt32IfAny()
                        if value == nil {
                            unreadAt = parser.offset - start
                            try parser.skipValue()
                        }
                    }
                }
            }
            #expect(value == expected, "\(document)")
            if value == nil { #expect(unreadAt == document.prefix { $0 == " " }.count, "\(document): nothing read") }
            #expect(((try? parsed.get()) != nil) == ((try? JSONParser.parse(document)) != nil), "\(document)")
        }
    }

    /// A list of arrays each of a number then plain integers and nulls
    /// (SGLang's log-probability entries) gives their numbers, bit for bit
    /// what `Double(String)` reads; anything else is left unread for the
    /// general path, which then accepts or refuses the document as `parse` does.
    @Test func listsOfNumberLedArraysAreReadAndOtherValuesLeft() {
        let entries: [(String, String)] = [
            ("[-0.006920614745467901, 220, null]", "-0.006920614745467901"),
            ("[-4.5811265181328054e-07,353,null]", "-4.5811265181328054e-07"), ("[0.5]", "0.5"),
            (" [ -1.0230815410614014 , 151645 , null , 0 ] ", "-1.0230815410614014"), ("[-0.0,0]", "-0.0"),
            ("[\n1E2\t,\r7]", "1E2"), ("[3, 1234567890123456789]", "3"),
        ]
        let otherEntries = [
            "[-0.5, \"a\", null]", "[-0.5, 01, null]", "[-0.5, 1.5]", "[-0.5, -1]", "[-0.5, 1e2]", "[-0.5, nul]",
            "[-0.5, null", "[-0.5,]", "[]", "[null, 1]", "[01]", "[1.]", "-0.5", "{}", "[-0.5 1]", "[-0.5, [1]]",
            "[-0.5, 12345678901234567890]", "[1.2345678901234567890123, 1]", "[1e400]", "[-0.5, nullx]", "[-0.5,",
        ]
        // Each entry alone in a list, and after another one, and lists that are not of entries.
        var read: [(String, [String])] = [(" [ ] ", []), ("[\(entries[0].0),\(entries[1].0)]", [entries[0].1, entries[1].1])]
        for (entry, number) in entries {
            read += [("[\(entry)]", [number]), ("[[1, 2] , \(entry)]", ["1", number])]
        }
        var left = ["-0.5", "{}", "[", "[[0.5]", "[[0.5],]", "[[0.5] [0.5]]", "[,[0.5]]", "[[0.5],,[0.5]]"]
        for entry in otherEntries { left += ["[\(entry)]", "[[0.5], \(entry)]"] }
        for (document, numbers) in read + left.map({ ($0, ["x"]) }) {
            var values = [7.5], readAll = false, unreadAt = -1, start = 0
            let parsed = Array(document.utf8).withUnsafeBytes { bytes in
                Result { () throws(JSONParser.Error) in
                    try JSONParser.read(bytes) { parser throws(JSONParser.Error) in
                        start = parser.offset
                        readAll = parser.readNumberLedArraysIfPlain(into: &values)
                        if !readAll {
                            unreadAt = parser.offset
                            try parser.skipValue()
                        }
                    }
                }
            }
            if numbers == ["x"] {
                #expect(!readAll && unreadAt == start && values == [7.5], "\(document): nothing read")
                #expect(((try? parsed.get()) != nil) == ((try? JSONParser.parse(document)) != nil), "\(document)")
            } else {
                #expect(
                    readAll && values.map(\.bitPattern) == [Double(7.5).bitPattern] + numbers.map { Double($0)!.bitPattern }, "\(document)")
                #expect((try? parsed.get()) != nil, "\(document)")
            }
        }
    }

    /// A list of plain digits for 32-bit integers (token ids) is read whole;
    /// one with anything else in it is left unread for the general path.
    @Test func listsOfPlainUInt32sAreReadAndOtherValuesLeft() {
        let read: [(String, [UInt32])] = [
            ("[]", []), (" [ 220 , 16,17 ] ", [220, 16, 17]), ("[0]", [0]), ("[\n4294967295\t]", [UInt32.max]),
        ]
        let left = [
            "7", "[4294967296]", "[1, 01]", "[1, -1]", "[1, 2.0]", "[1, 1e2]", "[1, null]", "[1,]", "[1", "[1 2]", "[,1]",
            "[1, \"2\"]", "[1, [2]]", "[12345678901234567890]", "{}",
        ]
        for (document, ids) in read + left.map({ ($0, [9]) }) {
            var values: [UInt32] = [9], readAll = false, unreadAt = -1
            let parsed = Array(document.utf8).withUnsafeBytes { bytes in
                Result { () throws(JSONParser.Error) in
                    try JSONParser.read(bytes) { parser throws(JSONParser.Error) in
                        readAll = parser.readPlainUInt32sIfAll(into: &values)
                        if !readAll {
                            unreadAt = parser.offset
                            try parser.skipValue()
                        }
                    }
                }
            }
            if ids == [9] {
                #expect(!readAll && unreadAt == 0 && values == [9], "\(document): nothing read")
                #expect(((try? parsed.get()) != nil) == ((try? JSONParser.parse(document)) != nil), "\(document)")
            } else {
                #expect(readAll && values == [9] + ids && (try? parsed.get()) != nil, "\(document)")
            }
        }
    }

    /// The lists and their arrays count toward the nesting limit as the general reader's do.
    @Test func plainListsKeepTheNestingLimit() {
        func listRead(_ list: String, inside levels: Int, _ read: (inout JSONParser) -> Bool) -> (Bool, Bool) {
            let document = String(repeating: "[", count: levels) + list + String(repeating: "]", count: levels)
            var readAll = false
            let parsed = Array(document.utf8).withUnsafeBytes { bytes in
                Result { () throws(JSONParser.Error) in
                    try JSONParser.read(bytes) { parser throws(JSONParser.Error) in
                        func descend(_ parser: inout JSONParser, _ levels: Int) throws(JSONParser.Error) {
                            guard levels > 0 else {
                                readAll = read(&parser)
                                if !readAll { try parser.skipValue() }
                                return
                            }
                            try parser.readElements { parser throws(JSONParser.Error) in try descend(&parser, levels - 1) }
                        }
                        try descend(&parser, levels)
                    }
                }
            }
            return (readAll, (try? parsed.get()) != nil)
        }
        var numbers: [Double] = [], ids: [UInt32] = []
        #expect(listRead("[[0.5]]", inside: 510) { $0.readNumberLedArraysIfPlain(into: &numbers) } == (true, true))
        #expect(listRead("[[0.5]]", inside: 511) { $0.readNumberLedArraysIfPlain(into: &numbers) } == (false, false))
        #expect(listRead("[7]", inside: 511) { $0.readPlainUInt32sIfAll(into: &ids) } == (true, true))
        #expect(listRead("[7]", inside: 512) { $0.readPlainUInt32sIfAll(into: &ids) } == (false, false))
        #expect(numbers == [0.5] && ids == [7])
        #expect((try? JSONParser.parse(String(repeating: "[", count: 513) + String(repeating: "]", count: 513))) == nil)
    }

    /// A malformed number is refused where its scan stops, parsed or skipped.
    @Test func malformedNumbersAreRefusedWhereTheirScanStops() {
        let cases: [(String, String, Int)] = [
            ("-", "invalid value", 1), ("-x", "invalid value", 1), ("[1,-]", "invalid value", 4), ("1.", "invalid number", 2),
            ("1.x", "invalid number", 2), ("[0.5e]", "invalid number", 5), ("1E+", "invalid number", 3), ("-1e-x", "invalid number", 4),
        ]
        for (document, message, offset) in cases {
            for skipping in [false, true] {
                do {
                    if skipping { try skipped(document) } else { _ = try JSONParser.parse(document) }
                    Issue.record("\(document) was taken")
                } catch let error as JSONParser.Error {
                    #expect(error.message == message && error.offset == offset, "\(document): \(error)")
                } catch {
                    Issue.record("\(document): \(error)")
                }
            }
        }
    }

    @Test func nullIsSkippedAndItsMisspellingsRefused() {
        for document in ["null", " null ", "[null,null]", #"{"a":null}"#, "nul", "nulL", "[null", "nullnull", "[nul]"] {
            let parses = (try? JSONParser.parse(document)) != nil
            let skips = (try? skipped(document)) != nil
            #expect(parses == skips, "\(document)")
        }
    }

    @Test func numbersReadAsTheNearestDouble() throws {
        var spellings = [
            "0", "-0", "-0.0", "1", "0.1", "-0.05", "-1.25e-3", "1E400", "-0.30000000000000004", "123456789012345",
            "1234567890123456", "9007199254740993", "0.0000000000000000000001", "0.00000000000000000000001",
            "-2.2250738585072014e-308", "4.9e-324", "179769313486231570000000000000000000000000",
        ]
        // Short decimals as workers write log-probabilities, every digit count.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let digits = String(state >> 11)
            let cut = Int(state % UInt64(digits.count))
            spellings.append("-" + digits.prefix(cut + 1) + "." + digits.dropFirst(cut + 1).prefix(Int(state >> 60)))
            spellings.append("-0." + String(repeating: "0", count: Int(state >> 61)) + digits.prefix(cut + 1))
        }
        for spelling in spellings where !spelling.hasSuffix(".") {
            let read = try Array(spelling.utf8).withUnsafeBytes { bytes in
                try JSONParser.read(bytes) { parser throws(JSONParser.Error) in try parser.readDouble() }
            }
            let expected = Double(spelling)
            #expect(read?.bitPattern == expected?.bitPattern, "\(spelling)")
        }
    }

    /// A string compared with a name reads as `readString` then `==` would:
    /// escapes decoded, other values an error, invalid text refused.
    @Test func stringsComparedWithANameAsTheirDecodedText() throws {
        let cases: [(String, Bool?)] = [
            (#""abort""#, true), (#" "abort" "#, true), (#""\u0061bort""#, true), (#""abort ""#, false), (#""abor""#, false),
            (#""aborted""#, false), (#""""#, false), (#""ab\"ort""#, false), (#""é""#, false), ("1", nil), ("null", nil),
            (#""abort"#, nil), ("\"\u{1}abort\"", nil), (#""\ud800""#, nil),
        ]
        for (document, expected) in cases {
            let read = Array(document.utf8).withUnsafeBytes { bytes in
                Result { () throws(JSONParser.Error) in
                    try JSONParser.read(bytes) { parser throws(JSONParser.Error) in try parser.readString(equals: "abort") }
                }
            }
            #expect((try? read.get()) == expected, "\(document)")
        }
        let invalid: [UInt8] = [0x22, 0x61, 0xC3, 0x22]
        #expect(throws: JSONParser.Error.self) {
            try invalid.withUnsafeBytes { bytes in
                try JSONParser.read(bytes) { parser throws(JSONParser.Error) in try parser.readString(equals: "abort") }
            }
        }
    }

    @Test func membersAreNamedAsDecoded() throws {
        var names: [String] = []
        var matches = 0
        let document = #"{"text":1,"te\u0078t":2,"é":3}"#
        try Array(document.utf8).withUnsafeBytes { bytes in
            try JSONParser.read(bytes) { parser throws(JSONParser.Error) in
                try parser.readMembers { parser, key throws(JSONParser.Error) in
                    names.append(key.string)
                    if key == "text" { matches += 1 }
                    try parser.skipValue()
                }
            }
        }
        #expect(names == ["text", "text", "é"] && matches == 2)
    }
}
