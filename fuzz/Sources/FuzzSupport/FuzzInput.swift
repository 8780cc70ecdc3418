/// Reads choices off the front of a fuzzer's input, so that one input
/// decides both the data and what is done with it; an input that runs out
/// reads zeros, and the rest is always available as data.
public struct FuzzInput {
    public private(set) var bytes: ArraySlice<UInt8>

    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))[...]
    }

    public mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }

    /// A value in `0..<count` (count > 0) from one byte.
    public mutating func choice(_ count: Int) -> Int { Int(byte()) % count }

    /// Everything not read yet.
    public mutating func rest() -> [UInt8] {
        defer { bytes = [] }
        return Array(bytes)
    }
}

/// Splits `bytes` into pieces whose sizes cycle through `sizes` (each at
/// least 1): the same stream as several reads of a socket would deliver it.
public func pieces(of bytes: [UInt8], sizes: [Int]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var offset = 0
    var index = 0
    while offset < bytes.count {
        let size = max(1, sizes.isEmpty ? bytes.count : sizes[index % sizes.count])
        result.append(Array(bytes[offset..<min(bytes.count, offset + size)]))
        offset += size
        index += 1
    }
    return result
}

/// Stops the fuzzer with `message` when `condition` fails. Unlike
/// `precondition`, the message survives optimization, so the report says
/// what went wrong.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// `require` for a broken invariant reached by a branch.
public func fail(_ message: String) -> Never { fatalError(message) }
