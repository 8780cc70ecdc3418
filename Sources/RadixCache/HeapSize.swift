/// What the cache counts as used memory: the sizes it asks the allocator for,
/// without the allocator's own rounding and bookkeeping.

/// A class instance: Swift's object header (metadata and reference counts) plus stored properties.
func heapObjectBytes(properties: Int) -> Int { 16 + properties }

/// An array's buffer, or nothing for an array that never allocated.
func heapArrayBytes<Element>(_ array: [Element]) -> Int {
    array.capacity == 0 ? 0 : 32 + array.capacity * MemoryLayout<Element>.stride
}
