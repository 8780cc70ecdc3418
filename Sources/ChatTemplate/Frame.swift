/// The variables of one jinja2 frame: the template's top level, one `for`
/// iteration, a macro call, a `with` block (`if` shares its parent's, so a
/// `set` there is seen after it). The compiler gave every name a frame can
/// hold a slot; a slot is nil until the name is set, and a lookup then goes
/// on to the next frame out that can hold the name.
final class Frame: RenderCycleBreaking {
    @exclusivity(unchecked) private var slots: [Value?]
    let parent: Frame?
    /// A macro defined here keeps this frame: it must not be reused.
    private(set) var isCaptured = false

    init(parent: Frame?, size: Int) {
        self.parent = parent
        slots = Array(repeating: nil, count: size)
    }

    func capture() { isCaptured = true }

    /// Empties the frame for the next loop iteration, keeping its storage.
    func clear() {
        for slot in slots.indices { slots[slot] = nil }
    }

    func breakCycles() { slots = [] }

    /// The slot `depth` frames out. Recursing through `parent` borrows each
    /// frame; a loop holding the current frame in a variable would retain and release every one.
    func value(depth: Int, slot: Int) -> Value? {
        depth == 0 ? slots[slot] : parent.unsafelyUnwrapped.value(depth: depth - 1, slot: slot)
    }

    func set(_ slot: Int, _ value: Value) { slots[slot] = value }
}
