/// JSON arrays of numbers written element by element into stack memory
/// and copied to the output a few kilobytes at a time: an answer holds
/// thousands of numbers, and appending each one's digits to an array costs
/// several times the formatting itself (a uniqueness check, a capacity
/// check and a copy per append).

/// Appends `values` as a JSON array of integers.
public func writeJSONArray(_ values: [UInt32], to out: inout [UInt8]) {
    writeJSONArray(values, maxElementBytes: 10, to: &out) { formatDecimal(UInt($0), into: $1) }
}

/// Appends `values` as a JSON array of integers.
func writeJSONArray(_ values: [UInt8], to out: inout [UInt8]) {
    writeJSONArray(values, maxElementBytes: 3, to: &out) { formatDecimal(UInt($0), into: $1) }
}

/// Appends `values` as a JSON array of numbers, each spelled as `writeJSONDouble` does.
func writeJSONArray(_ values: [Double], to out: inout [UInt8]) {
    writeJSONArray(values, maxElementBytes: maxDoubleBytes, to: &out) { formatDouble($0, into: $1) }
}

/// Appends the shortest text that reads back as exactly `value` (Swift's
/// `description` is shortest-round-trip); whole numbers, such as a prompt
/// token's log-probability 0.0, are written without a String; -0.0 keeps
/// its sign. Non-finite values become null.
func writeJSONDouble(_ value: Double, to out: inout [UInt8]) {
    writeJSONArrayElements(CollectionOfOne(value), maxElementBytes: maxDoubleBytes, to: &out) { formatDouble($0, into: $1) }
}

/// `[`, the elements separated by commas, `]`.
@inline(__always)
private func writeJSONArray<Values: Sequence>(
    _ values: Values, maxElementBytes: Int, to out: inout [UInt8],
    element: (Values.Element, UnsafeMutablePointer<UInt8>) -> Int
) {
    out.append(UInt8(ascii: "["))
    var isFirst = true
    writeJSONArrayElements(values, maxElementBytes: maxElementBytes + 1, to: &out) { value, at in
        var written = 0
        if !isFirst { at.pointee = UInt8(ascii: ","); written = 1 }
        isFirst = false
        return written + element(value, at + written)
    }
    out.append(UInt8(ascii: "]"))
}

/// Formats each value with `element`, which writes at most `maxElementBytes`
/// bytes at the pointer it is given and returns how many it wrote, into a
/// stack buffer copied to `out` whenever it could not take one more.
@inline(__always)
private func writeJSONArrayElements<Values: Sequence>(
    _ values: Values, maxElementBytes: Int, to out: inout [UInt8],
    element: (Values.Element, UnsafeMutablePointer<UInt8>) -> Int
) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { scratch in
        let start = scratch.baseAddress!
        var used = 0
        for value in values {
            if used + maxElementBytes > scratch.count {
                out.append(contentsOf: UnsafeBufferPointer(start: start, count: used))
                used = 0
            }
            used += element(value, start + used)
        }
        out.append(contentsOf: UnsafeBufferPointer(start: start, count: used))
    }
}

/// The longest spelling `formatDouble` writes: `description`'s, at most 24
/// bytes (`-2.2250738585072014e-308`), with room to spare.
private let maxDoubleBytes = 32

private func formatDouble(_ value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
    guard value.isFinite else { return copy("null", into: out) }
    guard value == value.rounded(), value.magnitude < 1e15 else {
        var text = value.description
        return text.withUTF8 { utf8 in
            precondition(utf8.count <= maxDoubleBytes, "a Double's description is at most 24 bytes")
            out.initialize(from: utf8.baseAddress!, count: utf8.count)
            return utf8.count
        }
    }
    var written = 0
    if value.sign == .minus { out.pointee = UInt8(ascii: "-"); written = 1 }
    written += formatDecimal(UInt(value.magnitude), into: out + written)
    return written + copy(".0", into: out + written)
}

/// Writes `value` in decimal; returns the digits written (at most 20).
@inline(__always)
func formatDecimal(_ value: UInt, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var digits = 1
    var bound: UInt = 10
    while value >= bound, digits < 20 {
        digits += 1
        let (next, overflow) = bound.multipliedReportingOverflow(by: 10)
        if overflow { break }
        bound = next
    }
    var rest = value
    for position in stride(from: digits - 1, through: 0, by: -1) {
        out[position] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
    }
    return digits
}

private func copy(_ literal: StaticString, into out: UnsafeMutablePointer<UInt8>) -> Int {
    out.initialize(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
    return literal.utf8CodeUnitCount
}
