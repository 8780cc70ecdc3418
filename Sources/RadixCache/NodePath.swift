/// The nodes of a walk from the root, by depth, unretained: a reader's
/// published tree keeps them alive. The first `inlineCapacity` live in
/// stack memory the searching thread lends (`withStackSpace`), so a lookup
/// in a tree of usual depth allocates nothing for its path; deeper ones go
/// to an array. Not copyable: it must not outlive that memory.
///
/// Reading a depth is a load through a pointer. (An `InlineArray` field
/// would be copied whole, 192 bytes, by every read from a non-mutating
/// method.)
struct NodePath: ~Copyable {
    private static let inlineCapacity = 24

    private let inline: UnsafeMutablePointer<Unmanaged<Node>>
    private var deeper: [Unmanaged<Node>] = []
    /// Depths set so far: reading a depth past them is a bug, not stale stack memory.
    private var depthCount = 0

    /// A path using `inline` (room for `inlineCapacity` nodes) for its first depths.
    init(inline: UnsafeMutablePointer<Unmanaged<Node>>) {
        self.inline = inline
    }

    /// Calls `body` with room for a path's first depths on this thread's stack.
    static func withStackSpace<Result>(_ body: (UnsafeMutablePointer<Unmanaged<Node>>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: Unmanaged<Node>.self, capacity: inlineCapacity) { body($0.baseAddress!) }
    }

    /// Setting depth `index` needs every shallower depth set before.
    subscript(index: Int) -> Unmanaged<Node> {
        get {
            assert(index < depthCount, "a depth never entered")
            return index < Self.inlineCapacity ? inline[index] : deeper[index - Self.inlineCapacity]
        }
        set {
            assert(index <= depthCount, "depths are entered in order")
            depthCount = max(depthCount, index + 1)
            if index < Self.inlineCapacity {
                inline[index] = newValue
            } else if index - Self.inlineCapacity < deeper.count {
                deeper[index - Self.inlineCapacity] = newValue
            } else {
                deeper.append(newValue)
            }
        }
    }
}
