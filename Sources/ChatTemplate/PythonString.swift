/// Python's `str` methods, working on code points (Swift's String compares
/// and searches by grapheme clusters and canonical equivalence; Python does not).
enum PythonString {
    static func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    static func string<C: Collection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `strip`, `lstrip`, `rstrip`: `chars` nil means whitespace.
    static func strip(_ text: String, _ chars: String?, leading: Bool, trailing: Bool) -> String {
        if let stripped = stripASCII(text, chars, leading: leading, trailing: trailing) { return stripped }
        let set = chars.map { Set($0.unicodeScalars) }
        let strips: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? isPythonSpace($0) }
        let all = scalars(text)
        var start = 0, end = all.count
        if leading { while start < end && strips(all[start]) { start += 1 } }
        if trailing { while end > start && strips(all[end - 1]) { end -= 1 } }
        return string(all[start..<end])
    }

    /// `strip` on UTF-8 bytes when only ASCII characters can be stripped (the usual
    /// case: whitespace around ASCII text, or ASCII `chars`), returning `text` itself
    /// when nothing is stripped; nil when a non-ASCII character decides the answer.
    private static func stripASCII(_ text: String, _ chars: String?, leading: Bool, trailing: Bool) -> String? {
        var asciiChars: [UInt8] = []
        if let chars {
            for byte in chars.utf8 {
                guard byte < 0x80 else { return nil }
                asciiChars.append(byte)
            }
        }
        // A byte ≥ 0x80 belongs to a non-ASCII character: never in ASCII `chars`, maybe Python whitespace.
        let decided: (UInt8) -> Bool? = { byte in
            if byte >= 0x80 { return chars == nil ? nil : false }
            return chars == nil ? isPythonSpace(Unicode.Scalar(byte)) : asciiChars.contains(byte)
        }
        let bytes = text.utf8
        var start = bytes.startIndex, end = bytes.endIndex
        if leading {
            while start < end {
                guard let strips = decided(bytes[start]) else { return nil }
                if !strips { break }
                start = bytes.index(after: start)
            }
        }
        if trailing {
            while end > start {
                guard let strips = decided(bytes[bytes.index(before: end)]) else { return nil }
                if !strips { break }
                end = bytes.index(before: end)
            }
        }
        if start == bytes.startIndex && end == bytes.endIndex { return text }
        return String(text[start..<end])
    }

    /// Byte offsets of the non-overlapping occurrences of `needle`, left to right.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8], limit: Int = Int.max) -> [Int] {
        haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { occurrences(of: $0, in: hay, limit: limit) }
        }
    }

    static func occurrences(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, limit: Int) -> [Int] {
        var found: [Int] = []
        guard !needle.isEmpty, needle.count <= haystack.count else { return found }
        var index = 0
        let last = haystack.count - needle.count
        let first = needle[0]
        while index <= last && found.count < limit {
            if haystack[index] == first && memoryEqual(haystack, from: index, needle) {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }

    private static func memoryEqual(_ haystack: UnsafeBufferPointer<UInt8>, from start: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        for offset in 1..<max(needle.count, 1) where haystack[start + offset] != needle[offset] { return false }
        return true
    }

    /// Python's `needle in text`.
    static func contains(_ text: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        var text = text, needle = needle
        return text.withUTF8 { hay in needle.withUTF8 { !occurrences(of: $0, in: hay, limit: 1).isEmpty } }
    }

    /// `split(sep, maxsplit)`; `sep` nil splits on runs of whitespace and drops empty ends.
    static func split(_ text: String, _ separator: String?, maxSplit: Int) throws(TemplateError) -> [String] {
        guard let separator else { return splitOnWhitespace(text, maxSplit: maxSplit) }
        guard !separator.isEmpty else { throw .render("empty separator") }
        let bytes = Array(text.utf8), needle = Array(separator.utf8)
        var parts: [String] = []
        var start = 0
        for offset in occurrences(of: needle, in: bytes, limit: maxSplit < 0 ? Int.max : maxSplit) {
            parts.append(String(decoding: bytes[start..<offset], as: UTF8.self))
            start = offset + needle.count
        }
        parts.append(String(decoding: bytes[start...], as: UTF8.self))
        return parts
    }

    /// `rsplit(sep, maxsplit)`.
    static func rsplit(_ text: String, _ separator: String?, maxSplit: Int) throws(TemplateError) -> [String] {
        guard maxSplit >= 0 else { return try split(text, separator, maxSplit: -1) }
        guard let separator else {
            let reversedParts = splitOnWhitespace(string(scalars(text).reversed()), maxSplit: maxSplit)
            return reversedParts.reversed().map { string(scalars($0).reversed()) }
        }
        guard !separator.isEmpty else { throw .render("empty separator") }
        let bytes = Array(text.utf8), needle = Array(separator.utf8)
        var parts: [String] = []
        var end = bytes.count
        var index = bytes.count - needle.count
        while index >= 0 && parts.count < maxSplit {
            if bytes[index..<index + needle.count].elementsEqual(needle) {
                parts.append(String(decoding: bytes[(index + needle.count)..<end], as: UTF8.self))
                end = index
                index -= needle.count
            } else {
                index -= 1
            }
        }
        parts.append(String(decoding: bytes[..<end], as: UTF8.self))
        return parts.reversed()
    }

    private static func splitOnWhitespace(_ text: String, maxSplit: Int) -> [String] {
        let all = scalars(text)
        var parts: [String] = []
        var index = 0
        while index < all.count {
            while index < all.count && isPythonSpace(all[index]) { index += 1 }
            guard index < all.count else { break }
            if maxSplit >= 0 && parts.count == maxSplit {
                var end = all.count
                while end > index && isPythonSpace(all[end - 1]) { end -= 1 }
                parts.append(string(all[index..<end]))
                break
            }
            let start = index
            while index < all.count && !isPythonSpace(all[index]) { index += 1 }
            parts.append(string(all[start..<index]))
        }
        return parts
    }

    /// `replace(old, new, count)`.
    static func replace(_ text: String, _ old: String, _ new: String, count: Int) -> String {
        let bytes = Array(text.utf8)
        if old.isEmpty {
            // Python inserts `new` around every character.
            let pieces = scalars(text).map { String($0) }
            let limit = count < 0 ? pieces.count + 1 : count
            var out = ""
            for index in 0...pieces.count {
                if index < limit { out += new }
                if index < pieces.count { out += pieces[index] }
            }
            return out
        }
        let needle = Array(old.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var start = 0
        for offset in occurrences(of: needle, in: bytes, limit: count < 0 ? Int.max : count) {
            out.append(contentsOf: bytes[start..<offset])
            out.append(contentsOf: new.utf8)
            start = offset + needle.count
        }
        out.append(contentsOf: bytes[start...])
        return String(decoding: out, as: UTF8.self)
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool { text.utf8.starts(with: prefix.utf8) }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool { text.utf8.reversed().starts(with: suffix.utf8.reversed()) }

    /// `find`: the code-point index of the first occurrence, or -1.
    static func find(_ text: String, _ needle: String, last: Bool) -> Int {
        let bytes = Array(text.utf8), pattern = Array(needle.utf8)
        if pattern.isEmpty { return last ? scalars(text).count : 0 }
        let found = occurrencesOverlapping(pattern, in: bytes)
        guard let offset = last ? found.last : found.first else { return -1 }
        return String(decoding: bytes[..<offset], as: UTF8.self).unicodeScalars.count
    }

    private static func occurrencesOverlapping(_ needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count <= haystack.count else { return [] }
        return (0...(haystack.count - needle.count)).filter { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    static func count(_ text: String, _ needle: String) -> Int {
        needle.isEmpty ? scalars(text).count + 1 : occurrences(of: Array(needle.utf8), in: Array(text.utf8)).count
    }

    static func upper(_ text: String) -> String { text.uppercased() }
    static func lower(_ text: String) -> String { text.lowercased() }

    /// `str.capitalize()`: the first character in title case, the rest lower case.
    static func capitalize(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        return first.properties.titlecaseMapping + lower(string(text.unicodeScalars.dropFirst()))
    }

    /// `str.splitlines()`: "\r\n" counts as one break.
    static func splitLines(_ text: String) -> [String] {
        let all = scalars(text)
        var lines: [String] = []
        var start = 0, index = 0
        while index < all.count {
            if isPythonLineBreak(all[index]) {
                lines.append(string(all[start..<index]))
                if all[index] == "\r" && index + 1 < all.count && all[index + 1] == "\n" { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < all.count { lines.append(string(all[start...])) }
        return lines
    }
}
