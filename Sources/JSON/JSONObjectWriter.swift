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

    // Concrete element types: generic entry points would run unspecialized
    // from other modules, paying a witness-table call per element.

    public mutating func add(_ key: String, integers: [UInt32]) {
        writeKey(key)
        writeJSONArray(integers, to: &out)
    }

    public mutating func add(_ key: String, integers: [UInt8]) {
        writeKey(key)
        writeJSONArray(integers, to: &out) { writeJSONInteger($1, to: &$0) }
    }

    public mutating func add(_ key: String, doubles: [Double]) {
        writeKey(key)
        writeJSONArray(doubles, to: &out) { writeJSONDouble($1, to: &$0) }
    }

    /// An array of strings given as runs of equal values (`nil`: `null`);
    /// each value is escaped once, however long its run.
    public mutating func add(_ key: String, runs: [(value: String?, count: Int)]) {
        writeKey(key)
        out.append(UInt8(ascii: "["))
        var literal: [UInt8] = []
        var isFirstElement = true
        // A loop of its own rather than `writeJSONArray` over a flattened
        // sequence, which measured 20 % slower on /retrieve_from_text.
        for run in runs where run.count > 0 {
            literal.removeAll(keepingCapacity: true)
            if let value = run.value { writeJSONString(value, to: &literal) } else { literal += "null".utf8 }
            for _ in 0..<run.count {
                if !isFirstElement { out.append(UInt8(ascii: ",")) }
                isFirstElement = false
                out += literal
            }
        }
        out.append(UInt8(ascii: "]"))
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
}
