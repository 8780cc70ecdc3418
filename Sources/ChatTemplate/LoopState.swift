/// `loop` as a value. The render keeps every loop state until it ends
/// (`Interpreter.breakCyclesAtTheEnd`), so a value reaches it unretained:
/// reading `loop.index0` copies it, and retaining it was most of that read.
public struct LoopReference {
    private let state: Unmanaged<LoopState>

    init(_ state: LoopState) { self.state = .passUnretained(state) }

    func value(of attribute: LoopState.Attribute) -> Value { state._withUnsafeGuaranteedRef { $0.value(of: attribute) } }
}

/// The `loop` variable of one `for` iteration.
public final class LoopState: RenderCycleBreaking {
    let items: LoopItems
    var index0 = 0
    private var lastChanged: [Value]?

    init(items: LoopItems) { self.items = items }

    func breakCycles() { lastChanged = nil }

    /// An attribute resolved from its name when the template is compiled.
    enum Attribute {
        case index, index0, revindex, revindex0, first, last, length, depth, depth0, previtem, nextitem, cycle, changed
    }
    static func attribute(named name: String) -> Attribute? {
        switch name {
        case "index": .index
        case "index0": .index0
        case "revindex": .revindex
        case "revindex0": .revindex0
        case "first": .first
        case "last": .last
        case "length": .length
        case "depth": .depth
        case "depth0": .depth0
        case "previtem": .previtem
        case "nextitem": .nextitem
        case "cycle": .cycle
        case "changed": .changed
        default: nil
        }
    }

    func value(of attribute: Attribute) -> Value {
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
        case .previtem: return index0 > 0 ? items[index0 - 1].resolved() : .undefined(Undefined(message: "there is no previous item"))
        case .nextitem: return index0 + 1 < length ? items[index0 + 1].resolved() : .undefined(Undefined(message: "there is no next item"))
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
