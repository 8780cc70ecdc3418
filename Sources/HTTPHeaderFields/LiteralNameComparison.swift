extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes spell `lowercase` (an ASCII name written in
    /// lower case), ASCII letters' case ignored: a field name picked out of
    /// a fixed set, compared without making a `String` of the literal.
    /// Runs for several fields of every request and answer, so it compares
    /// a word at a time (the last word overlapping the one before), with
    /// the case bit masked at the literal's letters only: the same answer
    /// as `sameBytesIgnoringASCIICase`. Where the literal is known, its
    /// words and masks fold into constants: a 14-byte name costs two loads
    /// and compares instead of a loop over its bytes. Transparent, not
    /// merely inlinable: the optimizer otherwise kept a call to the generic
    /// body (masks worked out at run time) in most cases of a switch. The
    /// literal is read through its pointer, not `withUTF8Buffer`, whose
    /// closure was left a call of its own.
    @_transparent
    public func equalsIgnoringASCIICase(lowercase: StaticString) -> Bool {
        let literal = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        guard count == literal.count else { return false }
        switch count {
        case 8...: return sameWordsIgnoringASCIICase(literal, as: UInt64.self)
        case 4...: return sameWordsIgnoringASCIICase(literal, as: UInt32.self)
        case 2...: return sameWordsIgnoringASCIICase(literal, as: UInt16.self)
        default: return sameWordsIgnoringASCIICase(literal, as: UInt8.self)
        }
    }

    /// The same, word by word, for bytes at least one `Word` long (or
    /// none) and as long as `literal`.
    @_transparent @usableFromInline
    func sameWordsIgnoringASCIICase<Word: FixedWidthInteger>(_ literal: UnsafeBufferPointer<UInt8>, as _: Word.Type) -> Bool {
        guard count > 0, let bytes = baseAddress, let literalBytes = literal.baseAddress else { return count == 0 }
        let width = Word.bitWidth / 8
        var offset = 0
        while offset + width < count {
            guard sameWordIgnoringASCIICase(bytes, literalBytes, at: offset, as: Word.self) else { return false }
            offset += width
        }
        return sameWordIgnoringASCIICase(bytes, literalBytes, at: count - width, as: Word.self)
    }
}

/// Whether the words at `offset` of `bytes` and `literal` are the same,
/// the case bit ignored at the literal's letters.
@_transparent @usableFromInline
func sameWordIgnoringASCIICase<Word: FixedWidthInteger>(
    _ bytes: UnsafePointer<UInt8>, _ literal: UnsafePointer<UInt8>, at offset: Int, as _: Word.Type
) -> Bool {
    let mask = caseMask(of: literal, at: offset, as: Word.self)
    let word = UnsafeRawPointer(bytes).loadUnaligned(fromByteOffset: offset, as: Word.self)
    let literalWord = UnsafeRawPointer(literal).loadUnaligned(fromByteOffset: offset, as: Word.self)
    return word | mask == literalWord | mask
}

/// The case bit (0x20) at each byte of the word of `literal` at `offset`
/// that is an ASCII letter, laid out as the word is in memory.
@_transparent @usableFromInline
func caseMask<Word: FixedWidthInteger>(of literal: UnsafePointer<UInt8>, at offset: Int, as _: Word.Type) -> Word {
    var mask = Word.zero
    for index in 0..<Word.bitWidth / 8 where isASCIILetter(literal[offset + index]) { mask |= Word(0x20) << (8 * index) }
    return Word(littleEndian: mask)
}

@_transparent @usableFromInline
func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }
