/// The nodes of a walk from the root, by depth, unretained: a reader's
/// published tree keeps them alive. The first `inlineCapacity` live in
/// memory the searching thread lends (on its stack, see
/// `withSearchSpace`), so a lookup in a tree of usual depth allocates
/// nothing for its path; deeper ones go to an array.
///
/// Reading a depth is a load through a pointer. (An `InlineArray` field
/// would be copied whole, 192 bytes, by every read from a non-mutating
/// method.)
struct NodePath {
    static let inlineCapacity = 24

    private let inline: UnsafeMutablePointer<Unmanaged<Node>>
    private var deeper: [Unmanaged<Node>] = []

    /// A path using `inline` (room for `inlineCapacity` nodes) for its first depths.
    init(inline: UnsafeMutablePointer<Unmanaged<Node>>) {
        self.inline = inline
    }

    /// Calls `body` with room for a path's first depths on this thread's stack.
    static func withSearchSpace<Result>(_ body: (UnsafeMutablePointer<Unmanaged<Node>>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: Unmanaged<Node>.self, capacity: inlineCapacity) { body($0.baseAddress!) }
    }

    /// Setting depth `index` needs every shallower depth set before; reading
    /// one needs it set.
    subscript(index: Int) -> Unmanaged<Node> {
        get { index < Self.inlineCapacity ? inline[index] : deeper[index - Self.inlineCapacity] }
        set {
            if index < Self.inlineCapacity {
                inline[index] = newValue
            } else if index - Self.inlineCapacity < deeper.count {
                deeper[index - Self.inlineCapacity] = newValue
            } else {
                assert(index - Self.inlineCapacity == deeper.count, "depths are entered in order")
                deeper.append(newValue)
            }
        }
    }
}
