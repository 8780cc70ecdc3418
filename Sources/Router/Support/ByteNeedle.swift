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

    var count: Int { bytes.count }

    /// Whether the needle occurs in `haystack`.
    func occurs(in haystack: [UInt8]) -> Bool {
        haystack.withUnsafeBytes { haystack in
            var found = false
            forEachMatch(in: haystack) { _ in
                found = true
                return false
            }
            return found
        }
    }

    /// Where the last occurrence in `haystack` starts.
    func lastMatch(in haystack: UnsafeRawBufferPointer) -> Int? {
        var last: Int?
        forEachMatch(in: haystack) { start in
            last = start
            return true
        }
        return last
    }

    /// Calls `body` with the start of each occurrence, first to last, while it returns true.
    private func forEachMatch(in haystack: UnsafeRawBufferPointer, _ body: (Int) -> Bool) {
        guard haystack.count >= bytes.count, let base = haystack.baseAddress else { return }
        let rare = Int32(bytes[rareIndex])
        // Where the rare byte may stand, and how far there is to search for it.
        var from = rareIndex
        let end = haystack.count - (bytes.count - rareIndex - 1)
        while from < end, let found = memchr(base + from, rare, end - from) {
            let at = base.distance(to: found)
            let start = at - rareIndex
            // `memcmp`: a generic `elementsEqual` of a slice walks it through
            // its iterator, some 30 instructions a byte.
            let matches = bytes.withUnsafeBytes { memcmp(base + start, $0.baseAddress!, bytes.count) == 0 }
            if matches, !body(start) { return }
            from = at + 1
        }
    }
}
