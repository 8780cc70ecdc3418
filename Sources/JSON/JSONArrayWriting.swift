/// JSON arrays of numbers written element by element into stack memory
/// and copied to the output a few kilobytes at a time: an answer holds
/// thousands of numbers, and appending each one's digits to an array costs
/// several times the formatting itself (a uniqueness check, a capacity
/// check and a copy per append).

/// Appends `values` as a JSON array of integers.
public func writeJSONArray(_ values: [UInt32], to out: inout [UInt8]) {
    writeJSONArray(values, maxElementBytes: maxDecimalBytes, to: &out) { formatDecimal(UInt64($0), into: $1) }
}

/// Appends `values` as a JSON array of integers.
func writeJSONArray(_ values: [UInt8], to out: inout [UInt8]) {
    writeJSONArray(values, maxElementBytes: maxDecimalBytes, to: &out) { formatDecimal(UInt64($0), into: $1) }
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

/// `[`, the elements separated by commas, `]`. Each element is written
/// after a comma, and the first comma then becomes the `[`: the loop
/// needs no test for the first element.
@inline(__always)
private func writeJSONArray<Values: Sequence>(
    _ values: Values, maxElementBytes: Int, to out: inout [UInt8],
    element: (Values.Element, UnsafeMutablePointer<UInt8>) -> Int
) {
    let start = out.count
    writeJSONArrayElements(values, maxElementBytes: maxElementBytes + 1, to: &out) { value, at in
        at.pointee = UInt8(ascii: ",")
        return 1 + element(value, at + 1)
    }
    if out.count == start { out.append(UInt8(ascii: "[")) } else { out[start] = UInt8(ascii: "[") }
    out.append(UInt8(ascii: "]"))
}

/// Formats each value with `element`, which writes at most `maxElementBytes`
/// bytes at the pointer it is given and returns how many of them count,
/// into a stack buffer copied to `out` whenever it could not take one more.
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

/// What `formatDecimal` may write: 20 digits, in whole 8-byte stores.
private let maxDecimalBytes = 24

private func formatDouble(_ value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
    // A prompt token's log-probability: most of a trajectory's values.
    if value.bitPattern == 0 { return store(ascii: "0.0", into: out) }
    if value == 0 { return store(ascii: "-0.0", into: out) }
    guard value.isFinite else { return store(ascii: "null", into: out) }
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
    written += formatDecimal(UInt64(value.magnitude), into: out + written)
    return written + store(ascii: ".0", into: out + written)
}

/// Writes `value` in decimal; returns how many digits (at most 20) count,
/// having stored up to 24 bytes. Eight digits at a time, without division
/// loops: a token id is one such group.
@inline(__always)
private func formatDecimal(_ value: UInt64, into out: UnsafeMutablePointer<UInt8>) -> Int {
    let group: UInt64 = 100_000_000
    guard value >= group else { return storeLeading(value, into: out) }
    let high = value / group
    let low = value % group
    guard high >= group else {
        let written = storeLeading(high, into: out)
        storeEightDigits(low, into: out + written)
        return written + 8
    }
    let written = storeLeading(high / group, into: out)
    storeEightDigits(high % group, into: out + written)
    storeEightDigits(low, into: out + written + 8)
    return written + 16
}

/// Writes `value` (below 10^8) without leading zeros; stores 8 bytes.
@inline(__always)
private func storeLeading(_ value: UInt64, into out: UnsafeMutablePointer<UInt8>) -> Int {
    let digits = eightDigits(value)
    // The first digit is the lowest byte: leading zeros are the low zero
    // bytes. 0 itself keeps one.
    let leadingZeros = min(digits.trailingZeroBitCount / 8, 7)
    storeWord((digits | asciiZeros) >> (8 * leadingZeros), into: out)
    return 8 - leadingZeros
}

@inline(__always)
private func storeEightDigits(_ value: UInt64, into out: UnsafeMutablePointer<UInt8>) {
    storeWord(eightDigits(value) | asciiZeros, into: out)
}

private let asciiZeros: UInt64 = 0x3030_3030_3030_3030

/// The eight decimal digits of `value` (below 10^8, with leading zeros),
/// one per byte, the most significant in the lowest byte: split into
/// halves of four digits, then pairs, then digits, every part at once in
/// lanes of one word (divisions by 100 and 10 as multiplications, exact
/// for these ranges).
@inline(__always)
private func eightDigits(_ value: UInt64) -> UInt64 {
    // Lanes of 32 bits: the first four digits, the last four.
    let fours = value / 10_000 | (value % 10_000) << 32
    // Lanes of 16 bits: each four split into two pairs.
    let hundreds = (fours &* 10_486) >> 20 & 0x0000_007F_0000_007F
    let pairs = (fours &- hundreds &* 100) << 16 | hundreds
    // Lanes of 8 bits: each pair split into two digits.
    let tens = (pairs &* 103) >> 10 & 0x000F_000F_000F_000F
    return (pairs &- tens &* 10) << 8 | tens
}

@inline(__always)
private func storeWord(_ word: UInt64, into out: UnsafeMutablePointer<UInt8>) {
    UnsafeMutableRawPointer(out).storeBytes(of: word.littleEndian, as: UInt64.self)
}

/// Writes a literal of at most 8 bytes with one store; returns its length.
@inline(__always)
private func store(ascii literal: StaticString, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var word: UInt64 = 0
    for index in (0..<literal.utf8CodeUnitCount).reversed() { word = word << 8 | UInt64(literal.utf8Start[index]) }
    storeWord(word, into: out)
    return literal.utf8CodeUnitCount
}
