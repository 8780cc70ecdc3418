// Reading a sorted array of children: by key, and without retaining what
// a reader's published tree already keeps alive.

/// The index of the first of `children` keyed `key` or above.
func sortedLowerBound(of key: UInt64, in children: UnsafeBufferPointer<Node.Child>) -> Int {
    partitionPoint(count: children.count) { children[$0].key < key }
}

func sortedLowerBound(of key: UInt64, in children: [Node.Child]) -> Int {
    children.withUnsafeBufferPointer { sortedLowerBound(of: key, in: $0) }
}

/// An array's memory, read without retaining the array: valid for as long
/// as the tree holding it, which never changes it (a reader's
/// `SnapshotCell.read` section).
func unretainedBuffer<Element>(_ array: [Element]) -> UnsafeBufferPointer<Element> {
    array.withUnsafeBufferPointer { $0 }
}

extension UnsafeBufferPointer<Node.Child> {
    /// Child `index`'s node, read without retaining it: the tree holds it.
    func unretainedNode(at index: Int) -> Unmanaged<Node> {
        UnsafeRawPointer(baseAddress! + index)
            .load(fromByteOffset: MemoryLayout<Node.Child>.offset(of: \.node)!, as: Unmanaged<Node>.self)
    }

    /// Calls `body` with the node of each child keyed `key`, from `start` on;
    /// returns whether children of greater keys follow (so no later chunk can hold `key`).
    @discardableResult
    func forEachChild(withKey key: UInt64, from start: Int? = nil, _ body: (Unmanaged<Node>) -> Void) -> Bool {
        var index = start ?? sortedLowerBound(of: key, in: self)
        while index < count {
            guard self[index].key == key else { return true }
            body(unretainedNode(at: index))
            index += 1
        }
        return false
    }
}
