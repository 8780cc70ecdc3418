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

    public mutating func add(_ key: StaticString, _ value: JSONValue) {
        writeKey(key)
        value.write(to: &out)
    }

    // Concrete element types: generic entry points would run unspecialized
    // from other modules, paying a witness-table call per element.

    public mutating func add(_ key: StaticString, integers: [UInt32]) {
        writeKey(key)
        writeJSONArray(integers, to: &out)
    }

    /// `integers`, then `zeros` more 0 (a cached prefix's values, then fresh prompt tokens').
    public mutating func add(_ key: StaticString, integers: UnsafeBufferPointer<UInt8>, thenZeros zeros: Int = 0) {
        writeKey(key)
        writeJSONArray(integers, thenZeros: zeros, to: &out)
    }

    /// `doubles`, then `zeros` more 0.0 (a cached prefix's values, then fresh prompt tokens').
    public mutating func add(_ key: StaticString, doubles: UnsafeBufferPointer<Double>, thenZeros zeros: Int = 0) {
        writeKey(key)
        writeJSONArray(doubles, thenZeros: zeros, to: &out)
    }

    /// An array of strings given as runs of equal values (`nil`: `null`);
    /// each value is escaped once, however long its run, and the rest of a
    /// run is copied from it, doubling, in the output itself.
    public mutating func add(_ key: StaticString, runs: [(value: String?, count: Int)]) {
        writeKey(key)
        // Each element after a comma; the first comma then becomes the `[`.
        let arrayStart = out.count
        for run in runs where run.count > 0 {
            let runStart = out.count
            out.append(UInt8(ascii: ","))
            if let value = run.value { writeJSONString(value, to: &out) } else { out += "null".utf8 }
            let element = out.count - runStart
            let total = element * run.count
            out.append(contentsOf: repeatElement(0, count: total - element))
            out.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress! + runStart
                var filled = element
                while filled < total {
                    let copied = min(filled, total - filled)
                    (base + filled).update(from: base, count: copied)
                    filled += copied
                }
            }
        }
        if out.count == arrayStart { out.append(UInt8(ascii: "[")) } else { out[arrayStart] = UInt8(ascii: "[") }
        out.append(UInt8(ascii: "]"))
    }

    /// The object's bytes.
    public consuming func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Keys are literals needing no escape (checked in debug builds):
    /// their static bytes are copied as they are.
    private mutating func writeKey(_ key: StaticString) {
        if !isFirst { out.append(UInt8(ascii: ",")) }
        isFirst = false
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes in
            assert(firstByteNeedingEscape(in: UnsafeRawBufferPointer(bytes), from: 0) == bytes.count, "a key to escape")
            out.append(contentsOf: bytes)
        }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }
}
