/// The bytes a render writes, in a growable buffer of its own. Appending to
/// an array checked its uniqueness and went through the generic sequence
/// copy: about 110 instructions per piece of text (callgrind), a render
/// writing a few hundred of them.
final class RenderOutput {
    private var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        self.capacity = capacity
        bytes = .allocate(capacity: capacity)
    }

    deinit { bytes.deallocate() }

    var isEmpty: Bool { count == 0 }

    func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        bytes[count] = byte
        count += 1
    }

    func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress else { return }
        if count + buffer.count > capacity { grow(toHold: count + buffer.count) }
        (bytes + count).update(from: source, count: buffer.count)
        count += buffer.count
    }

    /// Appends the bytes of a text the template holds.
    func append(_ utf8: [UInt8]) {
        utf8.withUnsafeBufferPointer { append($0) }
    }

    /// Appends `text`'s UTF-8, copied in one go from the string's storage.
    func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Everything written from `start` on, taken back out as a string.
    func removeText(from start: Int) -> String {
        defer { count = start }
        return String(decoding: UnsafeBufferPointer(start: bytes + start, count: count - start), as: UTF8.self)
    }

    var text: String { String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self) }

    private func grow(toHold needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: bytes, count: count)
        bytes.deallocate()
        bytes = grown
        capacity = newCapacity
    }
}
