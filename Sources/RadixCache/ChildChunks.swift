/// The children of a node with more than `ChildList.flatLimit` of them:
/// consecutive runs of the sorted children (chunks of at most `flatLimit`),
/// with each chunk's first key and position for binary search. Immutable;
/// a change builds a new index sharing every chunk but the one it touched.
final class ChildChunks: Sendable {
    private let chunks: [[Node.Child]]
    private let firstKeys: [UInt64]
    /// Where each chunk starts among all children.
    private let starts: [Int]
    let count: Int
    /// Bit `l` is set when a child's key has length `l` (bit 0: omitted
    /// from text), so readers skip the lengths no child has.
    private let keyLengths: UInt16

    private init(chunks: [[Node.Child]], firstKeys: [UInt64], starts: [Int], count: Int, keyLengths: UInt16) {
        self.chunks = chunks
        self.firstKeys = firstKeys
        self.starts = starts
        self.count = count
        self.keyLengths = keyLengths
    }

    private convenience init(chunks: [[Node.Child]], keyLengths: UInt16) {
        var starts: [Int] = [], count = 0
        starts.reserveCapacity(chunks.count)
        for chunk in chunks {
            starts.append(count)
            count += chunk.count
        }
        self.init(chunks: chunks, firstKeys: chunks.map { $0[0].key }, starts: starts, count: count, keyLengths: keyLengths)
    }

    /// `children`, sorted by key, in half-full chunks so that adding some
    /// children splits none.
    convenience init(splitting children: [Node.Child]) {
        let size = ChildList.flatLimit / 2
        let chunks = stride(from: 0, to: children.count, by: size).map {
            Array(children[$0..<min($0 + size, children.count)])
        }
        self.init(chunks: chunks, keyLengths: children.reduce(0) { $0 | Self.lengthBit(of: $1.key) })
    }

    private static func lengthBit(of key: UInt64) -> UInt16 { 1 << (key & 0xFF) }

    subscript(index: Int) -> Node.Child {
        let chunk = chunkIndex(containing: index)
        return chunks[chunk][index - starts[chunk]]
    }

    /// Calls `body` with the node of each child keyed `key`, in order,
    /// unretained (see `ChildList.forEachChild`).
    func forEachChild(withKey key: UInt64, _ body: (Unmanaged<Node>) -> Void) {
        guard keyLengths & Self.lengthBit(of: key) != 0 else { return }
        // Equal keys may go on in the following chunks.
        var chunk = lastChunk(withFirstKeyBelow: key)
        var start: Int? = nil
        while chunk < chunks.count {
            if unretainedBuffer(chunks[chunk]).forEachChild(withKey: key, from: start, body) { return }
            chunk += 1
            start = 0
        }
    }

    /// The index of the first child keyed `key` or above.
    func lowerBound(of key: UInt64) -> Int {
        let chunk = lastChunk(withFirstKeyBelow: key)
        return starts[chunk] + sortedLowerBound(of: key, in: chunks[chunk])
    }

    func replacing(at index: Int, with node: Node) -> ChildChunks {
        let chunk = chunkIndex(containing: index)
        var chunks = chunks
        let offset = index - starts[chunk]
        chunks[chunk][offset] = Node.Child(key: chunks[chunk][offset].key, node: node)
        // Same keys and sizes: the new index shares the old one's arrays.
        return ChildChunks(chunks: chunks, firstKeys: firstKeys, starts: starts, count: count, keyLengths: keyLengths)
    }

    /// With `child` added after any children of equal key; a chunk grown
    /// past `flatLimit` splits in two.
    func adding(_ child: Node.Child) -> ChildChunks {
        let chunk = lastChunk(withFirstKeyBelow: child.key + 1)
        var chunks = chunks
        var grown = chunks[chunk]
        grown.insert(child, at: sortedLowerBound(of: child.key + 1, in: grown))
        if grown.count > ChildList.flatLimit {
            let half = grown.count / 2
            chunks.replaceSubrange(chunk...chunk, with: [Array(grown[..<half]), Array(grown[half...])])
        } else {
            chunks[chunk] = grown
        }
        return ChildChunks(chunks: chunks, keyLengths: keyLengths | Self.lengthBit(of: child.key))
    }

    var allocatedBytes: Int {
        heapObjectBytes(properties: 3 * MemoryLayout<[Int]>.size + MemoryLayout<Int>.size + MemoryLayout<UInt16>.size)
            + heapArrayBytes(chunks) + heapArrayBytes(firstKeys) + heapArrayBytes(starts)
            + chunks.reduce(0) { $0 + heapArrayBytes($1) }
    }

    /// The last chunk whose first key is below `key`, or the first chunk.
    private func lastChunk(withFirstKeyBelow key: UInt64) -> Int {
        max(partitionPoint(count: firstKeys.count) { firstKeys[$0] < key } - 1, 0)
    }

    private func chunkIndex(containing index: Int) -> Int {
        partitionPoint(count: starts.count) { starts[$0] <= index } - 1
    }
}
