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
    var separator = 0  // no comma before the first element
    writeJSONArrayElements(values, maxElementBytes: maxElementBytes + 1, to: &out) { value, at in
        at.pointee = UInt8(ascii: ",")
        let written = separator + element(value, at + separator)
        separator = 1
        return written
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
        let flushAt = scratch.count - maxElementBytes
        var used = 0
        for value in values {
            if used > flushAt {
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
    // A prompt token's log-probability: most of a trajectory's values.
    if value == 0 {
        let sign = value.sign == .minus ? 1 : 0
        out.pointee = UInt8(ascii: "-")
        out[sign] = UInt8(ascii: "0")
        out[sign + 1] = UInt8(ascii: ".")
        out[sign + 2] = UInt8(ascii: "0")
        return sign + 3
    }
    guard value.isFinite else { return copy("null", into: out) }
    // Whole below 1e15: the conversion is exact (not `rounded()`, a libm call).
    guard value.magnitude < 1e15, Double(Int64(value)) == value else {
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
/// Two digits at a time, from the last.
@inline(__always)
private func formatDecimal(_ value: UInt, into out: UnsafeMutablePointer<UInt8>) -> Int {
    if value < 10 {
        out.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)
        return 1
    }
    var digits = 2
    var bound: UInt = 100
    while digits < 20, value >= bound {
        digits += 1
        bound = bound &* 10  // past 10^19 only when the loop ends anyway
    }
    let pairs = digitPairs.utf8Start
    var rest = value
    var end = digits
    while rest >= 100 {
        let pair = Int(rest % 100) * 2
        rest /= 100
        end -= 2
        out[end] = pairs[pair]
        out[end + 1] = pairs[pair + 1]
    }
    if rest >= 10 {
        out[0] = pairs[Int(rest) * 2]
        out[1] = pairs[Int(rest) * 2 + 1]
    } else {
        out[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
    }
    return digits
}

private let digitPairs: StaticString = """
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899
    """

private func copy(_ literal: StaticString, into out: UnsafeMutablePointer<UInt8>) -> Int {
    out.initialize(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
    return literal.utf8CodeUnitCount
}
