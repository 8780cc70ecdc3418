import Foundation

/// The general fallback for split patterns outside the `SplitPattern`
/// family: NSRegularExpression (ICU), run per pre-token. Correct but slow.
final class RegexSplitter: @unchecked Sendable {  // NSRegularExpression matching is thread-safe.
    private let regex: NSRegularExpression

    init(pattern: String) throws {
        do {
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw TokenizerLoadError("split pattern does not compile: \(pattern) (\(error))")
        }
    }

    convenience init(literal: String) throws {
        try self.init(pattern: NSRegularExpression.escapedPattern(for: literal))
    }

    func forEachMatch(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ body: (Int, Int) -> Void) {
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        // NSString ranges count UTF-16 units; map them back to byte offsets.
        var byteOffsetOfUnit: [Int] = []
        byteOffsetOfUnit.reserveCapacity(text.utf16.count + 1)
        var offset = start
        for scalar in text.unicodeScalars {
            byteOffsetOfUnit.append(offset)
            if scalar.value > 0xFFFF { byteOffsetOfUnit.append(offset) }
            offset += UTF8.width(scalar)
        }
        byteOffsetOfUnit.append(offset)
        let whole = NSRange(location: 0, length: byteOffsetOfUnit.count - 1)
        for match in regex.matches(in: text, range: whole) where match.range.length > 0 {
            body(byteOffsetOfUnit[match.range.location], byteOffsetOfUnit[NSMaxRange(match.range)])
        }
    }
}
