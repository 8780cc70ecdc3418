/// A growable array for `RequestStore`, read by index through a pointer: a
/// Swift array in a class's property retained its buffer and checked its
/// bounds on every read, most of a message field lookup's cost (callgrind).
/// Its owner frees it (`free`), once.
struct StoreBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    /// Setting is mutating so that `buffer[i] = try add(...)` reads `base` after
    /// `add` ran: a nonmutating setter wrote through the base read before it,
    /// which `add` had freed when it grew the same buffer.
    subscript(position: Int) -> Element {
        get {
            assert(position >= 0 && position < count, "position \(position) of \(count)")
            return base[position]
        }
        set {
            assert(position >= 0 && position < count, "position \(position) of \(count)")
            base[position] = newValue
        }
    }

    /// `body` given the element in place, not copied out.
    func withElement<Result>(_ position: Int, _ body: (inout Element) -> Result) -> Result {
        assert(position >= 0 && position < count, "position \(position) of \(count)")
        return body(&base[position])
    }

    mutating func append(_ element: Element) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: element)
        count += 1
    }

    /// `count` copies of `element`: room reserved, to be set in place.
    mutating func append(repeating element: Element, count added: Int) {
        if count + added > capacity { grow(to: max(capacity * 2, count + added)) }
        (base + count).initialize(repeating: element, count: added)
        count += added
    }

    private mutating func grow(to larger: Int) {
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: larger)
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
