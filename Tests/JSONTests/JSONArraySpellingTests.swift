import JSON
import Testing

/// The answer writer's arrays, byte for byte: what `/retrieve_from_text`
/// sends must not change with how it is written.
@Suite struct JSONArraySpellingTests {
    /// Every digit count, and arrays long enough to fill the writer's buffer several times.
    @Test func integersAreSpelledInDecimalSeparatedByCommas() {
        var values: [UInt32] = [0, UInt32.max]
        var power: UInt32 = 1
        while power <= UInt32.max / 10 {
            values += [power - 1, power, power * 10 - 1]
            power *= 10
        }
        let long = (0..<5_000).map { UInt32($0) &* 2_654_435_761 }
        let vocabulary = (0..<200_000).map { UInt32($0) }  // every id of a large tokenizer
        for list in [values, long, vocabulary, []] {
            var out: [UInt8] = []
            writeJSONArray(list, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "[" + list.map(String.init).joined(separator: ",") + "]")
        }
    }

    /// The same spelling written straight into room sized by
    /// `jsonArrayRoom`, values below the spellings' bound copied and the rest
    /// formatted: nothing stored past it (guard bytes after it stay).
    @Test func integersWrittenIntoSizedRoomStayWithinIt() {
        let spellings = IntegerSpellings(below: 151_669)  // Qwen3's vocabulary
        var values: [UInt32] = [0, 9, 10, 151_668, 151_669, 9_999_999, 10_000_000, 99_999_999, 100_000_000, UInt32.max]
        values += (0..<3_000).map { UInt32($0) &* 2_654_435_761 }
        let lists = [[], [0], [9], [151_668], [UInt32.max], [UInt32.max, UInt32.max], values, Array(values.reversed())]
        for list in lists {
            let room = jsonArrayRoom(forIntegers: list.count), guardBytes = 32
            var buffer = [UInt8](repeating: 0xA5, count: room + guardBytes)
            let written = buffer.withUnsafeMutableBufferPointer { out in
                list.withUnsafeBufferPointer { writeJSONArray($0, spelledBy: spellings, at: out.baseAddress!) }
            }
            #expect(String(decoding: buffer[..<written], as: UTF8.self) == "[" + list.map(String.init).joined(separator: ",") + "]")
            #expect(buffer[room...].allSatisfy { $0 == 0xA5 }, "\(list.count) values")
        }
    }

    /// Every value a table may hold (its bound is capped at 10^6, where a
    /// comma and the digits outgrow 7 bytes), and the values just past it.
    @Test func copiedSpellingsMatchTheFormattedOnes() {
        for bound in [0, 10, 2_000_000] {
            let spellings = IntegerSpellings(below: bound)
            let list = (0..<UInt32(1_000_010)).map { $0 }
            var buffer = [UInt8](repeating: 0, count: jsonArrayRoom(forIntegers: list.count))
            let written = buffer.withUnsafeMutableBufferPointer { out in
                list.withUnsafeBufferPointer { writeJSONArray($0, spelledBy: spellings, at: out.baseAddress!) }
            }
            #expect(
                String(decoding: buffer[..<written], as: UTF8.self) == "[" + list.map(String.init).joined(separator: ",") + "]",
                "bound \(bound)")
        }
    }

    /// Whole numbers as `N.0`, others as Swift's shortest round-trip
    /// `description`, non-finite ones as null.
    @Test func doublesKeepTheirSpelling() throws {
        let special: [Double] = [
            0.0, -0.0, 1.0, -17.0, 999_999_999_999_999, 1e15, -1e300, 0.1,
            -2.5e-8, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, .infinity, .nan,
        ]
        let logprobs = (0..<3_000).map { Double(Float(-Double($0) / 977.0)) }
        // A prompt's run of 0.0, longer than the writer's buffer, broken by a -0.0.
        let promptRun = Array(repeating: 0.0, count: 1_500) + [-0.0] + Array(repeating: 0.0, count: 2_500)
        let values = special + promptRun + logprobs + promptRun
        var writer = JSONObjectWriter()
        values.withUnsafeBufferPointer { writer.add("logp", doubles: $0) }
        let spelled = values.map { value -> String in
            guard value.isFinite else { return "null" }
            guard value == value.rounded(), value.magnitude < 1e15 else { return value.description }
            return (value.sign == .minus ? "-" : "") + String(UInt64(value.magnitude)) + ".0"
        }
        #expect(String(decoding: writer.finish(), as: UTF8.self) == #"{"logp":["# + spelled.joined(separator: ",") + "]}")
    }

    /// A cached prefix's values, then the fresh prompt tokens' zeros, which
    /// continue the prefix's own run of zeros and outgrow the writer's buffer.
    @Test func valuesThenZeros() {
        for count in [0, 1, 3, 5_000] {
            let logprobs = [-0.5, 0.0, 0.0, -1e-7].prefix(count % 5)
            let mask = [UInt8(0), 1, 0].prefix(count % 4)
            var writer = JSONObjectWriter()
            Array(logprobs).withUnsafeBufferPointer { writer.add("logp", doubles: $0, thenZeros: count) }
            Array(mask).withUnsafeBufferPointer { writer.add("mask", integers: $0, thenZeros: count) }
            let spelledLogprobs = logprobs.map(\.description) + repeatElement("0.0", count: count)
            let spelledMask = mask.map(String.init) + repeatElement("0", count: count)
            let expected =
                #"{"logp":["# + spelledLogprobs.joined(separator: ",") + #"],"mask":["#
                + spelledMask.joined(separator: ",") + "]}"
            #expect(String(decoding: writer.finish(), as: UTF8.self) == expected, "\(count)")
        }
    }

    @Test func maskValuesAndVersionRunsExpandInOrder() {
        // Short runs, then a prompt's and a generation's runs longer than the writer's buffer.
        let mask =
            (0..<9_000).map { UInt8($0 % 7 == 0 ? 1 : 0) } + [255]
            + Array(repeating: 0, count: 3_000) + Array(repeating: 1, count: 2_500) + [9, 10, 0]
        let runs: [(value: String?, count: Int)] = [(nil, 3), ("7", 0), ("7", 5_000), ("a\"b", 1), (nil, 2_001), ("x", 1)]
        var writer = JSONObjectWriter()
        mask.withUnsafeBufferPointer { writer.add("mask", integers: $0) }
        writer.add("versions", runs: runs)
        let spelled: [String?: String] = [nil: "null", "7": #""7""#, "a\"b": #""a\"b""#, "x": #""x""#]
        let versions: [String] = runs.flatMap { run in repeatElement(spelled[run.value]!, count: run.count) }
        let expected =
            #"{"mask":["# + mask.map(String.init).joined(separator: ",")
            + #"],"versions":["# + versions.joined(separator: ",") + "]}"
        #expect(String(decoding: writer.finish(), as: UTF8.self) == expected)
    }
}
