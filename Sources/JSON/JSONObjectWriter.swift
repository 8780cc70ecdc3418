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
        writeJSONArray(integers, to: &out)
    }

    public mutating func add(_ key: String, doubles: [Double]) {
        writeKey(key)
        writeJSONArray(doubles, to: &out)
    }

    /// An array of strings given as runs of equal values (`nil`: `null`);
    /// each value is escaped once, however long its run, and a run is
    /// copied out in blocks of elements rather than one element at a time.
    public mutating func add(_ key: String, runs: [(value: String?, count: Int)]) {
        writeKey(key)
        out.append(UInt8(ascii: "["))
        var element: [UInt8] = [UInt8(ascii: ",")]
        var isFirstElement = true
        for run in runs where run.count > 0 {
            element.removeSubrange(1...)
            if let value = run.value { writeJSONString(value, to: &element) } else { element += "null".utf8 }
            var left = run.count
            if isFirstElement {
                out += element[1...]
                isFirstElement = false
                left -= 1
            }
            let perBlock = min(left, max(1, 4096 / element.count))
            let block = repeated(element, count: perBlock)
            while left >= perBlock, perBlock > 0 {
                out += block
                left -= perBlock
            }
            out += block.prefix(left * element.count)
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

/// `count` copies of `element` end to end, built by doubling.
private func repeated(_ element: [UInt8], count: Int) -> [UInt8] {
    guard count > 0, !element.isEmpty else { return [] }
    return [UInt8](unsafeUninitializedCapacity: element.count * count) { buffer, initialized in
        let base = buffer.baseAddress!
        element.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: $0.count) }
        var filled = element.count
        while filled < buffer.count {
            let copied = min(filled, buffer.count - filled)
            (base + filled).initialize(from: base, count: copied)
            filled += copied
        }
        initialized = filled
    }
}
