/// A node's children, sorted by `ChildKey` (equal keys in the order they
/// were added). Up to `flatLimit` children sit in one array; more are kept
/// in `ChildChunks`, so that the writer, replacing or adding one child of a
/// node with thousands, copies one chunk and the chunk index instead of
/// every child (and retains a few dozen nodes, not thousands).
struct ChildList: RandomAccessCollection, Sendable {
    static let flatLimit = 64

    private enum Storage {
        case flat([Node.Child])
        case chunked(ChildChunks)
    }

    private let storage: Storage

    static let empty = ChildList([])

    /// `children` must be sorted by key.
    init(_ children: [Node.Child]) {
        storage = children.count <= Self.flatLimit ? .flat(children) : .chunked(ChildChunks(splitting: children))
    }

    private init(_ chunks: ChildChunks) { storage = .chunked(chunks) }

    var startIndex: Int { 0 }

    var endIndex: Int {
        switch storage {
        case .flat(let children): children.count
        case .chunked(let chunks): chunks.count
        }
    }

    subscript(index: Int) -> Node.Child {
        switch storage {
        case .flat(let children): children[index]
        case .chunked(let chunks): chunks[index]
        }
    }

    /// Calls `body` with each child whose first token may continue the text
    /// `query` describes, in key order. For readers of a published tree:
    /// nodes come unretained, kept alive by the snapshot. Inlined: `body`
    /// is a lookup's recursion, and called through a closure it costs about
    /// 2 % of a lookup.
    @inline(__always)
    func forEachChild(continuing query: ChildKey.Query, _ body: (Unmanaged<Node>) -> Void) {
        switch storage {
        case .flat(let children):
            let children = unretainedBuffer(children)
            if children.count <= ChildKey.longLength {
                // Few children: test each key.
                for index in children.indices where query.admits(children[index].key) {
                    body(children.unretainedNode(at: index))
                }
            } else {
                query.forEachAdmittedKey { key in children.forEachChild(withKey: key, body) }
            }
        case .chunked:
            // Unretained, as the nodes are: a node with this many children is
            // usually a shared prompt, which every lookup passes.
            unretainedChunks._withUnsafeGuaranteedRef { chunks in
                query.forEachAdmittedKey { key in chunks.forEachChild(withKey: key, body) }
            }
        }
    }

    /// The chunks of a chunked list, read without retaining them (a
    /// binding kept for the whole of `forEachChild` would be retained
    /// around its calls to `body`).
    private var unretainedChunks: Unmanaged<ChildChunks> {
        guard case .chunked(let chunks) = storage else { preconditionFailure("a flat child list has no chunks") }
        return .passUnretained(chunks)
    }

    /// Calls `body` with each child whose first token holds all of the
    /// `query`'s text and more: the text ends inside it. Only a trainer's
    /// lookup asks (see `PrefixSearch`), so the nodes come retained.
    func forEachChild(extending query: ChildKey.Query, _ body: (Node) -> Void) {
        guard let keys = query.keysExtendingText else { return }
        var index = lowerBound(of: keys.lowerBound)
        while index < count, keys.contains(self[index].key) {
            if Int(self[index].key & 0xFF) > query.longestLength { body(self[index].node) }
            index += 1
        }
    }

    /// The index of the first child keyed `key` that `matches`.
    func index(key: UInt64, where matches: (Node) -> Bool) -> Int? {
        var index = lowerBound(of: key)
        while index < count, self[index].key == key {
            if matches(self[index].node) { return index }
            index += 1
        }
        return nil
    }

    private func lowerBound(of key: UInt64) -> Int {
        switch storage {
        case .flat(let children): sortedLowerBound(of: key, in: children)
        case .chunked(let chunks): chunks.lowerBound(of: key)
        }
    }

    // MARK: Copies for the writer

    /// This list with child `index` replaced by `node`, under the same key.
    func replacing(at index: Int, with node: Node) -> ChildList {
        switch storage {
        case .flat(var children):
            children[index] = Node.Child(key: children[index].key, node: node)
            return ChildList(children)
        case .chunked(let chunks):
            return ChildList(chunks.replacing(at: index, with: node))
        }
    }

    /// This list with `child` added after any children of equal key.
    func adding(_ child: Node.Child) -> ChildList {
        switch storage {
        case .flat(var children):
            children.insert(child, at: sortedLowerBound(of: child.key + 1, in: children))
            return ChildList(children)
        case .chunked(let chunks):
            return ChildList(chunks.adding(child))
        }
    }

    /// Heap bytes of the list's arrays and chunk index.
    var allocatedBytes: Int {
        switch storage {
        case .flat(let children): heapArrayBytes(children)
        case .chunked(let chunks): chunks.allocatedBytes
        }
    }
}
