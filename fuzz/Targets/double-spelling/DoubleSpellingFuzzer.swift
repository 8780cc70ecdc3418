import FuzzSupport
import JSON

/// The answer writer's double formatter against Swift's `description`, byte
/// for byte. Each 8 bytes of the input are a double's bits, read as they
/// are and also as a float32 widened (how SGLang's log-probabilities come)
/// from their low half.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDoubleSpelling(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    while !input.bytes.isEmpty {
        var bits: UInt64 = 0
        for _ in 0..<8 { bits = bits << 8 | UInt64(input.byte()) }
        for value in [Double(bitPattern: bits), Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))] {
            let expected = value.isFinite ? value.description : "null"
            let written = formatJSONDouble(value)
            require(written == expected, "\(value.bitPattern): \(written) instead of \(expected)")
        }
    }
    return 0
}
