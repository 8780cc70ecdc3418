/// The memory one lookup copies a match's values to, in a single
/// allocation (per lookup, allocating costs about as much as copying):
///
///     count | logprobs: Double × count | tokens: UInt32 × count | loss mask: UInt8 × count
struct MatchStorage: @unchecked Sendable {  // its buffer is never changed once filled
    private typealias Buffer = ManagedBuffer<Int, UInt64>

    private let buffer: Buffer

    static let empty = MatchStorage(count: 0) { _, _, _ in }

    /// Storage for `count` values of each kind, filled by `fill`.
    init(
        count: Int,
        fill: (UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<UInt8>) -> Void
    ) {
        // One word per Double, then the tokens and mask packed, rounded up to a word.
        buffer = Buffer.create(minimumCapacity: count + (5 * count + 7) / 8) { _ in count }
        // The buffer's words become the three regions, each bound to its type.
        let words = UnsafeMutableRawPointer(buffer.withUnsafeMutablePointerToElements { $0 })
        words.bindMemory(to: Double.self, capacity: count)
        (words + 8 * count).bindMemory(to: UInt32.self, capacity: count)
        (words + 12 * count).bindMemory(to: UInt8.self, capacity: count)
        fill(tokenStart, logprobStart, lossMaskStart)
    }

    /// Read through a pointer: `ManagedBuffer.header` is a class property,
    /// and each access to it is checked for exclusivity at run time.
    var count: Int { buffer.withUnsafeMutablePointerToHeader { $0.pointee } }

    var tokens: MatchedValues<UInt32> { MatchedValues(buffer, tokenStart, count: count) }
    var logprobs: MatchedValues<Double> { MatchedValues(buffer, logprobStart, count: count) }
    var lossMask: MatchedValues<UInt8> { MatchedValues(buffer, lossMaskStart, count: count) }

    // Pointers into the buffer: valid while it lives, which every view of it ensures by holding it.

    private var logprobStart: UnsafeMutablePointer<Double> {
        UnsafeMutableRawPointer(buffer.withUnsafeMutablePointerToElements { $0 }).assumingMemoryBound(to: Double.self)
    }

    private var tokenStart: UnsafeMutablePointer<UInt32> {
        UnsafeMutableRawPointer(logprobStart + count).assumingMemoryBound(to: UInt32.self)
    }

    private var lossMaskStart: UnsafeMutablePointer<UInt8> {
        UnsafeMutableRawPointer(tokenStart + count).assumingMemoryBound(to: UInt8.self)
    }
}
