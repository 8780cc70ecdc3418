/// What the proxy path does with header fields, on their bytes: drop some
/// by name and spell the rest into a head, copying their lines as they are.
extension HTTPHeaders {
    /// Drops the fields whose name `isDropped` accepts. Only the list of
    /// offsets changes, in place when this list is the only holder of it
    /// (a copy shares the bytes and gets a list of its own).
    /// The list is read before it is written to: one with nothing to drop
    /// is not even made unique. Kept fields move down over dropped ones.
    public mutating func removeAll(whereName isDropped: (_ name: UnsafeBufferPointer<UInt8>) -> Bool) {
        let bytes = self.bytes
        bytes.withUnsafeBufferPointer { bytes in
            func isFieldDropped(_ field: Field) -> Bool { isDropped(UnsafeBufferPointer(rebasing: bytes[field.nameRange])) }
            guard let firstDropped = fields.firstIndex(where: isFieldDropped) else { return }
            var kept = firstDropped
            fields.withUnsafeMutableBufferPointer { fields in
                for index in firstDropped + 1..<fields.count where !isFieldDropped(fields[index]) {
                    fields[kept] = fields[index]
                    kept += 1
                }
            }
            fields.removeLast(fields.count - kept)
        }
    }

    /// Appends the `Name: value\r\n` line of each field whose name
    /// `isWritten` accepts (every field by default).
    public func appendLines(
        to head: inout [UInt8], where isWritten: (_ name: UnsafeBufferPointer<UInt8>) -> Bool = { _ in true }
    ) {
        bytes.withUnsafeBufferPointer { bytes in
            // Lines that follow each other in `bytes` (most do: a parsed
            // head's fields are its lines in order) go in one append; each
            // append costs about 70 instructions whatever its length.
            var run = 0..<0
            for field in fields where isWritten(UnsafeBufferPointer(rebasing: bytes[field.nameRange])) {
                let line = field.lineRange
                if !run.isEmpty, line.lowerBound == run.upperBound {
                    run = run.lowerBound..<line.upperBound
                } else {
                    if !run.isEmpty { head.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run])) }
                    run = line
                }
            }
            if !run.isEmpty { head.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run])) }
        }
    }

    /// Appends the lines of the fields called `name` (ASCII case ignored)
    /// that `isWritten` accepts: a few fields of a list picked out where
    /// they are written, with no list of their own to allocate. Fields of
    /// another name's length are passed without a call.
    public func appendLines(
        named name: String, to head: inout [UInt8], where isWritten: (_ name: UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        var name = name
        name.withUTF8 { name in
            bytes.withUnsafeBufferPointer { bytes in
                for field in fields where field.isNamed(name, in: bytes) {
                    guard isWritten(UnsafeBufferPointer(rebasing: bytes[field.nameRange])) else { continue }
                    head.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[field.lineRange]))
                }
            }
        }
    }

    /// How many bytes `appendLines` writes for every field: room to reserve.
    public var lineBytes: Int { fields.reduce(0) { $0 + $1.lineRange.count } }

    /// Calls `body` with each field's name and value bytes, in order
    /// (for a consumer that wants its own spelling, e.g. libcurl's list).
    public func forEachField(_ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { bytes in
            for field in fields {
                body(UnsafeBufferPointer(rebasing: bytes[field.nameRange]), UnsafeBufferPointer(rebasing: bytes[field.valueRange]))
            }
        }
    }
}
