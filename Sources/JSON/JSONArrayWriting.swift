/// JSON arrays of numbers written element by element into stack memory
/// and copied to the output a few kilobytes at a time: an answer holds
/// thousands of numbers, and appending each one's digits to an array costs
/// several times the formatting itself (a uniqueness check, a capacity
/// check and a copy per append).
///
/// Log-probabilities and loss masks come in long runs of one value (a
/// prompt's 0.0 and 0, a generation's 1): a run is found by comparing
/// values alone and written as repeated copies of one spelling.

/// Appends `values` as a JSON array of integers.
public func writeJSONArray(_ values: [UInt32], to out: inout [UInt8]) {
    DecimalWriter.withDigitTable { decimal in
        values.withUnsafeBufferPointer { values in
            writeJSONArray(
                values, thenFiller: 0, count: values.count, maxElementBytes: DecimalWriter.maxBytes, to: &out,
                runSpelling: { _ -> UInt8? in nil }
            ) {
                decimal.writeAfterComma(UInt64($0), into: $1)
            }
        }
    }
}

/// The room `writeJSONArray(_:spelledBy:at:)` needs for `count` integers: eleven
/// bytes each (a comma and up to ten digits), the brackets, and the
/// whole-word stores that may reach past the last one.
public func jsonArrayRoom(forIntegers count: Int) -> Int {
    count &* 11 &+ 2 &+ DecimalWriter.maxBytes
}

/// Writes `values` as a JSON array of integers at `out`, which has room for
/// `jsonArrayRoom(forIntegers:)` bytes; returns how many count. Straight into
/// the caller's memory, in one pass: for a body built in room sized at once.
/// A value `spellings` holds (a token id) is copied from its spelling,
/// one load and one store; others are formatted.
public func writeJSONArray(
    _ values: UnsafeBufferPointer<UInt32>, spelledBy spellings: IntegerSpellings, at out: UnsafeMutablePointer<UInt8>
) -> Int {
    spellings.withWords { words in
        DecimalWriter.withDigitTable { decimal in
            // Each element after a comma; the first comma then becomes the `[`.
            var used = 0
            for value in values {
                if Int(value) < words.count {
                    let word = words[Int(value)]
                    storeWord(word, into: out + used)
                    used &+= Int(truncatingIfNeeded: word &>> 56)
                } else {
                    used &+= decimal.writeAfterComma(UInt64(value), into: out + used)
                }
            }
            out.pointee = UInt8(ascii: "[")
            used = max(used, 1)
            out[used] = UInt8(ascii: "]")
            return used &+ 1
        }
    }
}

/// Appends `values`, then `zeros` more 0, as a JSON array of integers.
func writeJSONArray(_ values: UnsafeBufferPointer<UInt8>, thenZeros zeros: Int, to out: inout [UInt8]) {
    // A loss mask: single digits, in runs.
    writeJSONArray(
        values, thenFiller: 0, count: values.count + zeros, maxElementBytes: DecimalWriter.maxBytes, to: &out,
        runSpelling: { value -> UInt16? in
            value < 10 ? UInt16(UInt8(ascii: ",")) | UInt16(UInt8(ascii: "0") &+ value) << 8 : nil
        }
    ) {
        value, out in DecimalWriter.withDigitTable { $0.writeAfterComma(UInt64(value), into: out) }
    }
}

/// Appends `values`, then `zeros` more 0.0, as a JSON array of numbers, each
/// spelled as `writeJSONDouble` does.
func writeJSONArray(_ values: UnsafeBufferPointer<Double>, thenZeros zeros: Int, to out: inout [UInt8]) {
    DoubleSpelling.withTables { spelling in
        writeJSONArray(
            values, thenFiller: 0.0, count: values.count + zeros, maxElementBytes: DoubleSpelling.maxBytes, to: &out,
            // Most of a trajectory's values are prompt tokens' 0.0: ",0.0".
            runSpelling: { value -> UInt32? in value.bitPattern == 0 ? 0x302E_302C : nil }
        ) {
            value, out in
            out.pointee = UInt8(ascii: ",")
            return 1 &+ spelling.write(value, into: out + 1)
        }
    }
}

/// Appends `value` as `description` spells it (the shortest text that reads
/// back as exactly `value`: see `DoubleSpelling`); non-finite values become null.
func writeJSONDouble(_ value: Double, to out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DoubleSpelling.maxBytes) { scratch in
        let count = DoubleSpelling.withTables { $0.write(value, into: scratch.baseAddress!) }
        out.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress!, count: count))
    }
}

/// `[`, the elements separated by commas, `]`, staged in stack memory:
/// `values`, then `filler` up to `count` elements. Each element is written
/// after a comma, and the first comma then becomes the `[`: the loop needs
/// no test for the first element.
///
/// `element` writes a comma and a value at the pointer it is given, storing
/// at most `maxElementBytes` bytes after the comma (at least 8: whole-word
/// stores), and returns how many of them count, the comma included. `runSpelling` gives, for a value that usually comes
/// in runs, its comma and spelling as the bytes of one `Spelling`
/// (little-endian), different for different values; a run of such a value
/// is then written as copies of it.
@inline(__always)
private func writeJSONArray<Element, Spelling: FixedWidthInteger>(
    _ values: UnsafeBufferPointer<Element>, thenFiller filler: Element, count: Int, maxElementBytes: Int,
    to out: inout [UInt8], runSpelling: (Element) -> Spelling?, element: (Element, UnsafeMutablePointer<UInt8>) -> Int
) {
    let spellingBytes = MemoryLayout<Spelling>.size
    let arrayStart = out.count
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { scratch in
        let start = scratch.baseAddress!
        let flushAt = scratch.count - maxElementBytes - 1
        var used = 0
        var index = 0
        while index < count {
            if used > flushAt {
                out.append(contentsOf: UnsafeBufferPointer(start: start, count: used))
                used = 0
            }
            let value = index < values.count ? values[index] : filler
            if let spelling = runSpelling(value) {
                // The run, as far as the stage has room: compared within the
                // values, whole over the filler after them.
                let end = min(count, index &+ (scratch.count &- used) / spellingBytes)
                var runEnd = index &+ 1
                let valuesEnd = min(end, values.count)
                while runEnd < valuesEnd, runSpelling(values[runEnd]) == spelling { runEnd &+= 1 }
                if runEnd >= values.count, runSpelling(filler) == spelling { runEnd = end }
                // A counted loop of plain stores, which vectorizes.
                let copies = UnsafeMutableRawPointer(start + used)
                for copy in 0..<(runEnd &- index) {
                    copies.storeBytes(of: spelling.littleEndian, toByteOffset: copy &* spellingBytes, as: Spelling.self)
                }
                used &+= spellingBytes &* (runEnd &- index)
                index = runEnd
            } else {
                used &+= element(value, start + used)
                index &+= 1
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(start: start, count: used))
    }
    if out.count == arrayStart { out.append(UInt8(ascii: "[")) } else { out[arrayStart] = UInt8(ascii: "[") }
    out.append(UInt8(ascii: "]"))
}

@inline(__always)
func storeWord(_ word: UInt64, into out: UnsafeMutablePointer<UInt8>) {
    UnsafeMutableRawPointer(out).storeBytes(of: word.littleEndian, as: UInt64.self)
}

/// Writes a literal of at most 8 bytes with one store; returns its length.
@inline(__always)
func store(ascii literal: StaticString, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var word: UInt64 = 0
    for index in (0..<literal.utf8CodeUnitCount).reversed() { word = word << 8 | UInt64(literal.utf8Start[index]) }
    storeWord(word, into: out)
    return literal.utf8CodeUnitCount
}
