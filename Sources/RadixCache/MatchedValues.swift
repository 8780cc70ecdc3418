/// A match's values of one kind (its tokens, log-probabilities or loss
/// mask): a read-only view into the memory the lookup copied them to, kept
/// alive by the view.
public struct MatchedValues<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    // The values are never changed once copied: sharing them across threads is safe.
    private let owner: AnyObject
    private let base: UnsafePointer<Element>
    public let count: Int

    init(_ owner: AnyObject, _ base: UnsafeMutablePointer<Element>, count: Int) {
        self.owner = owner
        self.base = UnsafePointer(base)
        self.count = count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "index out of range")
        return withExtendedLifetime(owner) { base[position] }
    }

    public func withContiguousStorageIfAvailable<Result>(
        _ body: (UnsafeBufferPointer<Element>) throws -> Result
    ) rethrows -> Result? {
        try withExtendedLifetime(owner) { try body(UnsafeBufferPointer(start: base, count: count)) }
    }
}

extension MatchedValues: CustomStringConvertible {
    public var description: String { Array(self).description }
}
