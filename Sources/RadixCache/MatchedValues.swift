/// A match's values of one kind (its tokens, log-probabilities or loss
/// mask): a read-only view into the memory the lookup copied them to, kept
/// alive by the view.
///
/// Inlinable: the router reads these element by element from another
/// module, and a call per element would cost more than the read. Inlined,
/// nothing else uses `owner`, so each read keeps it alive explicitly.
public struct MatchedValues<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    // The values are never changed once copied: sharing them across threads is safe.
    @usableFromInline let owner: AnyObject
    @usableFromInline let base: UnsafePointer<Element>
    public let count: Int

    init(_ owner: AnyObject, _ base: UnsafeMutablePointer<Element>, count: Int) {
        self.owner = owner
        self.base = UnsafePointer(base)
        self.count = count
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "index out of range")
        return withExtendedLifetime(owner) { base[position] }
    }

    @inlinable public func withContiguousStorageIfAvailable<Result>(
        _ body: (UnsafeBufferPointer<Element>) throws -> Result
    ) rethrows -> Result? {
        try withExtendedLifetime(owner) { try body(UnsafeBufferPointer(start: base, count: count)) }
    }
}

extension MatchedValues: CustomStringConvertible {
    public var description: String { Array(self).description }
}
