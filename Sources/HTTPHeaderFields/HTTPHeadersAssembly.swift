/// Builds `HTTPHeaders` from the pieces a parser delivers (llhttp hands a
/// name or a value in several pieces when it is cut across reads): each
/// piece is appended to the list's buffer as it comes, so nothing points
/// into the read buffer, which the next read reuses.
public struct HTTPHeadersAssembly {
    public private(set) var headers = HTTPHeaders()
    /// Where the field being read starts in the buffer, once its name began.
    private var fieldStart: Int?
    /// The name's length, once its value began.
    private var nameLength: Int?

    public init() {}

    /// Whether a field's name began and its line is not ended yet.
    public var isReadingField: Bool { fieldStart != nil }

    /// A piece of the field's name. Pieces are appended as typed bytes,
    /// which `append(contentsOf:)` copies at once (raw ones byte by byte).
    public mutating func namePiece(_ piece: UnsafeRawBufferPointer) {
        if fieldStart == nil {
            headers.reserveForFirstField()
            fieldStart = headers.bytes.count
        }
        headers.bytes.append(contentsOf: piece.assumingMemoryBound(to: UInt8.self))
    }

    /// A piece of the field's value.
    public mutating func valuePiece(_ piece: UnsafeRawBufferPointer) {
        endName()
        headers.bytes.append(contentsOf: piece.assumingMemoryBound(to: UInt8.self))
    }

    /// A field's value ended (llhttp's `on_header_value_complete`).
    public mutating func endField() {
        guard let start = fieldStart else { return }
        endName()
        let nameLength = nameLength ?? 0
        let valueLength = headers.bytes.count - start - nameLength - 2
        headers.bytes.append(UInt8(ascii: "\r"))
        headers.bytes.append(UInt8(ascii: "\n"))
        headers.fields.append(
            HTTPHeaders.Field(start: UInt32(start), nameLength: UInt32(nameLength), valueLength: UInt32(valueLength)))
        fieldStart = nil
        self.nameLength = nil
    }

    /// The fields read, moved out (no copy of the buffer); the assembly starts over.
    public mutating func take() -> HTTPHeaders {
        fieldStart = nil
        nameLength = nil
        defer { headers = HTTPHeaders() }
        return headers
    }

    private mutating func endName() {
        guard let start = fieldStart, nameLength == nil else { return }
        nameLength = headers.bytes.count - start
        headers.bytes.append(UInt8(ascii: ":"))
        headers.bytes.append(UInt8(ascii: " "))
    }
}
