/// The variables of one jinja2 frame: the template's top level, one `for`
/// iteration, a macro call, a `with` block (`if` shares its parent's, so a
/// `set` there is seen after it). The compiler gave every name a frame can
/// hold a slot; a slot is nil until the name is set, and a lookup then goes
/// on to the next frame out that can hold the name.
final class Frame: RenderCycleBreaking {
    /// Fixed-size storage of its own: reading a slot checks no bounds and no
    /// uniqueness, as an array in a class's `var` would on every access.
    private let slots: UnsafeMutablePointer<Value?>
    private let size: Int
    let parent: Frame?
    /// A macro defined here keeps this frame: it must not be reused. Unchecked:
    /// a render runs on one thread, and each loop run reads it.
    @exclusivity(unchecked) private(set) var isCaptured = false

    init(parent: Frame?, size: Int) {
        self.parent = parent
        self.size = size
        slots = .allocate(capacity: size)
        slots.initialize(repeating: nil, count: size)
    }

    deinit {
        slots.deinitialize(count: size)
        slots.deallocate()
    }

    func capture() { isCaptured = true }

    /// Empties the frame for the next loop iteration.
    func clear() {
        for slot in 0..<size { slots[slot] = nil }
    }

    func breakCycles() { clear() }

    /// The slot `depth` frames out, read in place. The walk holds the frames
    /// unowned: each is kept alive by the one inside it, so retaining them
    /// would only cost.
    func slot(depth: Int, _ slot: Int) -> UnsafeMutablePointer<Value?> {
        unowned(unsafe) var frame = self
        for _ in 0..<depth { frame = frame.parent.unsafelyUnwrapped }
        assert(slot < frame.size, "slot \(slot) of a frame of \(frame.size)")
        return frame.slots + slot
    }

    func set(_ slot: Int, _ value: Value) {
        assert(slot < size, "slot \(slot) of a frame of \(size)")
        slots[slot] = value
    }
}
