/// The names one frame can hold, while the compiler works through the code
/// that runs in it: each name's slot is its place in `names`.
final class CompileScope {
    let parent: CompileScope?
    private(set) var names: [String] = []

    init(parent: CompileScope?) { self.parent = parent }

    /// The slot of `name`, given one if the frame has none yet.
    func add(_ name: String) -> Int {
        if let slot = slot(of: name) { return slot }
        names.append(name)
        return names.count - 1
    }

    func slot(of name: String) -> Int? {
        names.firstIndex { sameBytes($0, name) }
    }

    /// Every slot that can hold `name` at run time, innermost frame first.
    func slots(of name: String) -> [(depth: Int, slot: Int)] {
        var found: [(depth: Int, slot: Int)] = []
        var scope: CompileScope? = self
        var depth = 0
        while let current = scope {
            if let slot = current.slot(of: name) { found.append((depth, slot)) }
            scope = current.parent
            depth += 1
        }
        return found
    }

    /// Gives a slot to each name `nodes` may set in this frame, before any of
    /// them is compiled: a name read before the `set` that binds it must still
    /// look in this frame first, as it will on the next loop iteration.
    func addNamesSet(by nodes: [Node]) {
        for node in nodes {
            switch node {
            case .set(let target, _): addNames(of: target)
            case .setBlock(let target, _, let body):
                addNames(of: target)
                addNamesSet(by: body)
            case .macro(let definition): _ = add(definition.name)
            case .conditional(let branches, let otherwise):
                for branch in branches { addNamesSet(by: branch.body) }
                addNamesSet(by: otherwise)
            // A loop's body has frames of its own; its `else` runs in this one.
            case .loop(_, _, _, _, let otherwise, _): addNamesSet(by: otherwise)
            case .filterBlock(_, let body), .generation(let body): addNamesSet(by: body)
            case .text, .output, .callBlock, .with, .breakLoop, .continueLoop: break
            }
        }
    }

    func addNames(of target: AssignmentTarget) {
        switch target {
        case .name(let name): _ = add(name.text)
        case .tuple(let targets): for inner in targets { addNames(of: inner) }
        case .namespaceAttribute: break
        }
    }
}
