import Glibc

/// A byte string to look for in bodies that run to megabytes. `memchr`
/// finds each place where one of its bytes, chosen to be rare in JSON, could
/// stand; only those places are compared.
struct ByteNeedle {
    private let bytes: [UInt8]
    private let rareIndex: Int

    init(_ text: String, rareByte: Unicode.Scalar) {
        bytes = Array(text.utf8)
        guard let rareIndex = bytes.firstIndex(of: UInt8(ascii: rareByte)) else {
            preconditionFailure("the rare byte must be one of the needle's")
        }
        self.rareIndex = rareIndex
    }

    /// Whether the needle occurs in `haystack`.
    func occurs(in haystack: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { haystack in
            guard haystack.count >= bytes.count else { return false }
            let rare = Int32(bytes[rareIndex])
            // Where the rare byte may stand, and how far there is to search for it.
            var from = rareIndex
            let end = haystack.count - (bytes.count - rareIndex - 1)
            while from < end, let found = memchr(haystack.baseAddress! + from, rare, end - from) {
                let at = haystack.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let start = at - rareIndex
                if haystack[start..<start + bytes.count].elementsEqual(bytes) { return true }
                from = at + 1
            }
            return false
        }
    }
}
