/// The nodes of a walk from the root, by depth, unretained: a reader's
/// published tree keeps them alive. The first `inlineCapacity` live inline
/// (on the searching thread's stack), so a lookup in a tree of usual depth
/// allocates nothing for its path.
struct NodePath {
    private typealias Inline = InlineArray<24, Unmanaged<Node>?>
    private static let inlineCapacity = Inline.count

    private var inline = Inline(repeating: nil)
    private var deeper: [Unmanaged<Node>] = []

    /// Setting depth `index` needs every shallower depth set before.
    subscript(index: Int) -> Unmanaged<Node> {
        get { index < Self.inlineCapacity ? inline[index]! : deeper[index - Self.inlineCapacity] }
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
