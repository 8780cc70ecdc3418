/// Writes a JSON object member by member straight into bytes: for answers
/// with thousands of numbers, where building a `JSONValue` tree first would
/// cost an allocation per number.
public struct JSONObjectWriter {
    private var out: [UInt8]
    private var isFirst = true

    public init(reservingCapacity capacity: Int = 0) {
        out = [UInt8(ascii: "{")]
        out.reserveCapacity(capacity)
    }

    public mutating func add(_ key: String, _ value: JSONValue) {
        writeKey(key)
        value.write(to: &out)
    }

    public mutating func add(_ key: String, integers: some Sequence<some BinaryInteger>) {
        writeArray(key, integers) { writeJSONInteger($1, to: &$0) }
    }

    public mutating func add(_ key: String, doubles: some Sequence<Double>) {
        writeArray(key, doubles) { $0 += formatJSONDouble($1).utf8 }
    }

    /// An array of strings given as runs of equal values (`nil`: `null`);
    /// each value is escaped once, however long its run.
    public mutating func add(_ key: String, runs: some Sequence<(value: String?, count: Int)>) {
        let elements = runs.lazy.flatMap { run -> Repeated<[UInt8]> in
            var literal: [UInt8] = []
            if let value = run.value { writeJSONString(value, to: &literal) } else { literal += "null".utf8 }
            return repeatElement(literal, count: run.count)
        }
        writeArray(key, elements) { $0 += $1 }
    }

    /// The object's bytes.
    public consuming func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }

    private mutating func writeKey(_ key: String) {
        if !isFirst { out.append(UInt8(ascii: ",")) }
        isFirst = false
        writeJSONString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    private mutating func writeArray<Values: Sequence>(
        _ key: String, _ values: Values, element: (inout [UInt8], Values.Element) -> Void
    ) {
        writeKey(key)
        out.append(UInt8(ascii: "["))
        var isFirstElement = true
        for value in values {
            if !isFirstElement { out.append(UInt8(ascii: ",")) }
            isFirstElement = false
            element(&out, value)
        }
        out.append(UInt8(ascii: "]"))
    }
}
