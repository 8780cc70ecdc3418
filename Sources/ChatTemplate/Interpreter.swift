/// An object a render makes that values can lead back to, which jinja2
/// leaves to Python's garbage collector: a macro's frame holds the macro
/// that holds the frame, a namespace can be stored in itself,
/// `loop.changed` remembers its arguments. The render empties each such
/// object when it ends, so no reference cycle outlives it.
protocol RenderCycleBreaking: AnyObject {
    func breakCycles()
}

/// Renders a parsed template: runs statements, appending to `output`.
/// One per render; never shared between threads.
final class Interpreter {
    /// The rendering so far, as UTF-8 (appending bytes is cheaper than growing a String).
    @exclusivity(unchecked) var output: [UInt8] = []
    @exclusivity(unchecked) var scope: Scope
    /// Macro calls in progress: bounded like Python's recursion limit, so a recursive macro fails instead of exhausting the stack.
    private var callDepth = 0
    private static let maximumCallDepth = 50
    /// Objects this render made that values can lead back to: emptied when it ends.
    private var cycleBreakers: [any RenderCycleBreaking] = []

    /// What a statement asks of the loop around it.
    enum Flow { case normal, breakLoop, continueLoop }

    init(variables: Dict) {
        scope = Scope(parent: nil)
        for (key, value) in variables.items {
            if case .string(let name) = key { scope.set(Name(name), value) }
        }
    }

    deinit {
        for object in cycleBreakers { object.breakCycles() }
    }

    /// Empties `object` when the render ends.
    func breakCyclesAtTheEnd(_ object: any RenderCycleBreaking) {
        cycleBreakers.append(object)
    }

    @discardableResult
    func execute(_ nodes: [Node]) throws(TemplateError) -> Flow {
        // By index: iterating the elements would copy (and retain) each node.
        for position in nodes.indices {
            let flow = try execute(nodes[position])
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func execute(_ node: Node) throws(TemplateError) -> Flow {
        switch node {
        case .text(let text):
            write(text)
        case .output(let expression):
            if let value = try appendSum(expression) { write(try pythonString(value)) }
        case .conditional(let branches, let otherwise):
            for position in branches.indices where isTruthy(try evaluate(branches[position].condition)) {
                return try execute(branches[position].body)
            }
            return try execute(otherwise)
        case .loop(let target, let iterable, let filter, let body, let otherwise, let location):
            return try runLoop(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise, location)
        case .set(let target, let expression):
            try assign(target, try evaluate(expression))
        case .setBlock(let target, let filters, let body):
            var value = Value.string(try capture(body))
            for (name, call, location) in filters { value = try applyFilter(name, to: value, call, location) }
            try assign(target, value)
        case .macro(let definition):
            scope.set(Name(definition.name), .function(makeMacro(definition, closure: scope)))
        case .callBlock(let call, let parameters, let body):
            let caller = makeMacro(MacroDefinition(name: "caller", parameters: parameters, body: body), closure: scope)
            write(try pythonString(evaluate(call, caller: caller)))
        case .filterBlock(let filters, let body):
            var value = Value.string(try capture(body))
            for (name, call, location) in filters { value = try applyFilter(name, to: value, call, location) }
            write(try pythonString(value))
        case .with(let assignments, let body):
            let values = try assignments.map { (target, expression) throws(TemplateError) in (target, try evaluate(expression)) }
            let outer = scope
            scope = Scope(parent: outer)
            defer { scope = outer }
            for (target, value) in values { try assign(target, value) }
            return try execute(body)
        case .generation(let body):
            return try execute(body)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    /// `{{ a + b + ... }}` and `{{ a ~ b }}`: appends the operands one by one
    /// instead of building each intermediate string. Returns nil once appended,
    /// or the value to print when `+` turns out not to join two plain strings
    /// (numbers, lists, Markup): then it is computed as usual.
    private func appendSum(_ expression: Expression) throws(TemplateError) -> Value? {
        switch expression {
        case .binary(.add, let left, let right, _):
            let start = output.count
            if let leftValue = try appendSum(left) { return try pythonArithmetic(.add, leftValue, evaluate(right)) }
            let rightValue = try evaluate(right)
            if case .string(let text) = rightValue {
                write(text)
                return nil
            }
            // The left side was a plain string after all: take it back and add as Python would.
            let leftText = String(decoding: output[start...], as: UTF8.self)
            output.removeSubrange(start...)
            return try pythonArithmetic(.add, .string(leftText), rightValue)
        case .binary(.concat, let left, let right, _):
            if let value = try appendSum(left) { write(try pythonString(value)) }
            if let value = try appendSum(right) { write(try pythonString(value)) }
            return nil
        default:
            let value = try evaluate(expression)
            guard case .string(let text) = value else { return value }
            write(text)
            return nil
        }
    }

    /// Appends `text`'s UTF-8, copied in one go from the string's storage.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    /// Renders `body` into a string of its own (block `set`, `filter`, macros).
    func capture(_ body: [Node]) throws(TemplateError) -> String {
        let outer = output
        output = []
        defer { output = outer }
        try execute(body)
        return String(decoding: output, as: UTF8.self)
    }

    private func runLoop(
        target: AssignmentTarget, iterable: Expression, filter: Expression?, body: [Node],
        otherwise: [Node], _ location: SourceLocation
    ) throws(TemplateError) -> Flow {
        var items = try iterate(evaluate(iterable))
        let outer = scope
        defer { scope = outer }
        // One frame serves every iteration unless a macro defined inside keeps it.
        var frame = Scope(parent: outer)
        func freshFrame() -> Scope {
            if frame.isCaptured { frame = Scope(parent: outer) } else { frame.clear() }
            return frame
        }
        if let filter {
            var kept: [Value] = []
            for item in items {
                scope = freshFrame()
                try assign(target, item)
                if isTruthy(try evaluate(filter)) { kept.append(item) }
            }
            items = kept
        }
        let loop = LoopState(items: items)
        breakCyclesAtTheEnd(loop)
        for (offset, item) in items.enumerated() {
            scope = freshFrame()
            loop.index0 = offset
            scope.set(.loop, .loop(loop))
            try assign(target, item)
            if try execute(body) == .breakLoop { break }
        }
        scope = outer
        if items.isEmpty { return try execute(otherwise) }
        return .normal
    }

    /// The items a `for` loop (or a filter) walks: list items, dict keys, string characters.
    func iterate(_ value: Value) throws(TemplateError) -> [Value] {
        switch value {
        case .list(let items), .tuple(let items): return items
        case .dict(let dict): return dict.keys
        case .string(let text), .markup(let text): return text.unicodeScalars.map { .string(String($0)) }
        case .iterator(let lazy): return lazy.take()
        case .undefined: return []
        default: throw .render("'\(typeName(value))' object is not iterable")
        }
    }

    func assign(_ target: AssignmentTarget, _ value: Value) throws(TemplateError) {
        switch target {
        case .name(let name):
            scope.set(name, value)
        case .tuple(let targets):
            let items = try iterate(value)
            guard items.count == targets.count else {
                throw .render(
                    items.count < targets.count
                        ? "not enough values to unpack (expected \(targets.count), got \(items.count))"
                        : "too many values to unpack (expected \(targets.count))")
            }
            for (inner, item) in zip(targets, items) { try assign(inner, item) }
        case .namespaceAttribute(let name, let attribute, let location):
            guard case .namespace(let namespace) = scope.lookup(Name(name)) else {
                throw .render("cannot assign attribute on non-namespace object ('\(name)' at \(location))")
            }
            namespace.attributes[attribute] = value
        }
    }

    private func makeMacro(_ definition: MacroDefinition, closure: Scope) -> Function {
        if !closure.isCaptured {
            closure.capture()
            breakCyclesAtTheEnd(closure)
        }
        return Function(name: definition.name) { interpreter, arguments throws(TemplateError) in
            try interpreter.invoke(definition, closure: closure, arguments)
        }
    }

    private func invoke(_ macro: MacroDefinition, closure: Scope, _ arguments: Arguments) throws(TemplateError) -> Value {
        if arguments.positional.count > macro.parameters.count {
            throw .render("macro '\(macro.name)' takes not more than \(macro.parameters.count) argument(s)")
        }
        guard callDepth < Self.maximumCallDepth else { throw .render("maximum recursion depth exceeded in macro '\(macro.name)'") }
        callDepth += 1
        let outer = scope
        scope = Scope(parent: closure)
        defer { scope = outer; callDepth -= 1 }
        for keyword in arguments.keywords where keyword.name != "caller" && !macro.parameters.contains(where: { $0.name == keyword.name }) {
            throw .render("macro '\(macro.name)' takes no keyword argument '\(keyword.name)'")
        }
        for (position, parameter) in macro.parameters.enumerated() {
            let name = Name(parameter.name)
            if let value = arguments.value(position, parameter.name) {
                scope.set(name, value)
            } else if let defaultValue = parameter.defaultValue {
                scope.set(name, try evaluate(defaultValue))
            } else {
                scope.set(name, .undefined(Undefined(message: "parameter '\(parameter.name)' was not provided")))
            }
        }
        if let caller = arguments.keywords.last(where: { $0.name == "caller" }) { scope.set(.caller, caller.value) }
        return .string(try capture(macro.body))
    }
}
