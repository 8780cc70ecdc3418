/// A frame of variables. jinja2 opens one per loop iteration, macro call and
/// `with` block; `if` shares its parent's, so a `set` there is seen after it.
/// Frames hold few names, so they are searched linearly rather than hashed.
final class Scope: RenderCycleBreaking {
    @exclusivity(unchecked) private var variables: [Variable] = []
    /// A struct rather than a tuple, so freeing a frame runs the struct's own destroy, not the runtime's generic tuple destroy.
    private struct Variable {
        let name: Name
        var value: Value
    }
    private let parent: Scope?
    /// A macro defined here keeps this frame: it must not be reused.
    private(set) var isCaptured = false

    init(parent: Scope?) { self.parent = parent }

    func capture() { isCaptured = true }

    /// Empties the frame for the next loop iteration, keeping its storage.
    func clear() { variables.removeAll(keepingCapacity: true) }

    func breakCycles() { variables = [] }

    func lookup(_ name: Name) -> Value? {
        // By index: iterating the elements would copy (and retain) each name and value passed.
        for position in variables.indices where variables[position].name.matches(name) {
            return variables[position].value
        }
        // Recursing through `parent` borrows each frame; a loop holding the
        // current frame in a variable would retain and release every one.
        return parent?.lookup(name)
    }

    func set(_ name: Name, _ value: Value) {
        for position in variables.indices where variables[position].name.matches(name) {
            variables[position].value = value
            return
        }
        if variables.isEmpty { variables.reserveCapacity(4) }
        variables.append(Variable(name: name, value: value))
    }
}

/// The `loop` variable of one `for` iteration.
public final class LoopState: RenderCycleBreaking {
    let items: [Value]
    var index0 = 0
    private var lastChanged: [Value]?

    init(items: [Value]) { self.items = items }

    func breakCycles() { lastChanged = nil }

    private enum Attribute {
        case index, index0, revindex, revindex0, first, last, length, depth, depth0, previtem, nextitem, cycle, changed
    }
    /// Matched by their names' keys (integers), not by comparing strings: templates read `loop.*` in every iteration.
    private static let attributes: [(name: Name, attribute: Attribute)] = [
        (Name("index0"), .index0), (Name("first"), .first), (Name("last"), .last), (Name("index"), .index),
        (Name("length"), .length), (Name("revindex"), .revindex), (Name("revindex0"), .revindex0), (Name("depth"), .depth),
        (Name("depth0"), .depth0), (Name("previtem"), .previtem), (Name("nextitem"), .nextitem), (Name("cycle"), .cycle),
        (Name("changed"), .changed),
    ]

    func attribute(_ name: Name) -> Value? {
        let known = Self.attributes
        guard let position = known.indices.first(where: { known[$0].name.matches(name) }) else { return nil }
        let attribute = known[position].attribute
        let length = items.count
        switch attribute {
        case .index: return .int(index0 + 1)
        case .index0: return .int(index0)
        case .revindex: return .int(length - index0)
        case .revindex0: return .int(length - index0 - 1)
        case .first: return .bool(index0 == 0)
        case .last: return .bool(index0 == length - 1)
        case .length: return .int(length)
        case .depth: return .int(1)
        case .depth0: return .int(0)
        case .previtem: return index0 > 0 ? items[index0 - 1] : .undefined(Undefined(message: "there is no previous item"))
        case .nextitem: return index0 + 1 < length ? items[index0 + 1] : .undefined(Undefined(message: "there is no next item"))
        case .cycle:
            return .function(
                Function(name: "loop.cycle") { _, arguments throws(TemplateError) in
                    guard !arguments.positional.isEmpty else { throw .render("no items for cycling given") }
                    return arguments.positional[self.index0 % arguments.positional.count]
                })
        case .changed:
            return .function(
                Function(name: "loop.changed") { _, arguments in
                    defer { self.lastChanged = arguments.positional }
                    guard let last = self.lastChanged else { return .bool(true) }
                    return .bool(!(last.count == arguments.positional.count && zip(last, arguments.positional).allSatisfy(pythonEquals)))
                })
        }
    }
}
