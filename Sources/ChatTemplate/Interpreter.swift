/// An object a render makes that values can lead back to, which jinja2
/// leaves to Python's garbage collector: a macro's frame holds the macro
/// that holds the frame, a namespace can be stored in itself,
/// `loop.changed` remembers its arguments. The render empties each such
/// object when it ends, so no reference cycle outlives it.
protocol RenderCycleBreaking: AnyObject {
    func breakCycles()
}

/// The state of one render of a compiled template: the output, the current
/// frame, the render's variables. The compiled statements and expressions
/// run themselves against it. One per render; never shared between threads.
final class Interpreter {
    /// The rendering so far, as UTF-8 (appending bytes is cheaper than growing a String).
    /// Room for a long conversation from the start: growing it copied everything written so far.
    let output = RenderOutput(capacity: 16 * 1024)
    @exclusivity(unchecked) var frame: Frame {
        didSet { borrowedFrame = Unmanaged.passUnretained(frame) }
    }
    /// `frame` unretained, for reading and setting slots: loading `frame`
    /// retains it, and that was most of the cost of reading a variable.
    private var borrowedFrame: Unmanaged<Frame>
    /// The render's variables the template names, in `CompiledTemplate.globalNames` order; nil when not given.
    let globals: [Value?]
    /// What the request's values (`.request`) point into: kept as long as the render.
    private let request: RequestStore?
    /// Macro calls in progress: bounded like Python's recursion limit, so a recursive macro fails instead of exhausting the stack.
    private var callDepth = 0
    private static let maximumCallDepth = 50
    /// Objects this render made that values can lead back to: emptied when it ends.
    /// Unchecked, as `loopFrames`: a render runs on one thread, and checking each access was a runtime call.
    @exclusivity(unchecked) private var cycleBreakers: [any RenderCycleBreaking] = []
    /// Each loop's frame from its last run, for its next (`ForStatement.number`):
    /// making and freeing one for each run of an inner loop was two allocations.
    @exclusivity(unchecked) private var loopFrames: [Frame?]

    /// What a statement asks of the loop around it.
    enum Flow { case normal, breakLoop, continueLoop }

    init(frameSize: Int, globals: [Value?], request: RequestStore? = nil, loopCount: Int = 0) {
        let root = Frame(parent: nil, size: frameSize)
        loopFrames = Array(repeating: nil, count: loopCount)
        frame = root
        borrowedFrame = Unmanaged.passUnretained(root)
        self.globals = globals
        self.request = request
    }

    /// `globals` in `template.globalNames` order.
    convenience init(_ template: CompiledTemplate, globals: [Value?], request: RequestStore? = nil) {
        self.init(frameSize: template.rootNames.count, globals: globals, request: request, loopCount: template.loopCount)
    }

    deinit {
        for object in cycleBreakers { object.breakCycles() }
        // A kept loop frame is not captured, but may hold a macro defined in a frame inside it.
        for case let frame? in loopFrames { frame.clear() }
    }

    /// The slot `depth` frames out from the current one, read and set in place.
    func slot(depth: Int, _ slot: Int) -> UnsafeMutablePointer<Value?> {
        borrowedFrame._withUnsafeGuaranteedRef { $0.slot(depth: depth, slot) }
    }

    /// An empty frame for a run of loop `number`: the one its last run used,
    /// when that run is over (a loop inside a recursive macro runs within
    /// itself) and the frame around it is the same.
    func takeLoopFrame(_ number: Int, parent: Frame, size: Int) -> Frame {
        if let frame = loopFrames[number], frame.parent === parent {
            loopFrames[number] = nil
            frame.clear()
            return frame
        }
        return Frame(parent: parent, size: size)
    }

    /// Keeps a loop's frame for its next run, unless a macro defined in it holds it.
    func keepLoopFrame(_ frame: Frame, _ number: Int) {
        if !frame.isCaptured { loopFrames[number] = frame }
    }

    /// Empties `object` when the render ends.
    func breakCyclesAtTheEnd(_ object: any RenderCycleBreaking) {
        cycleBreakers.append(object)
    }

    @discardableResult
    func execute(_ statements: [CompiledStatement]) throws(TemplateError) -> Flow {
        // Through the buffer: no bounds check per statement; each called unretained,
        // as the array holds it (read from the buffer, it was retained around every call).
        try statements.withUnsafeBufferPointer { (statements) throws(TemplateError) in
            for position in statements.indices {
                let outcome = Unmanaged.passUnretained(statements[position])._withUnsafeGuaranteedRef { statement in
                    Result { () throws(TemplateError) in try statement.execute(self) }
                }
                let flow = try outcome.get()
                if flow != .normal { return flow }
            }
            return .normal
        }
    }

    func write(_ utf8: [UInt8]) { output.append(utf8) }

    func write(_ text: String) { output.append(text) }

    /// Renders `body` into a string of its own (block `set`, `filter`, macros),
    /// written at the end of the output and taken back from there; on an
    /// error too, so that no half-captured text stays in the rendering.
    func capture(_ body: [CompiledStatement]) throws(TemplateError) -> String {
        let start = output.count
        do {
            try execute(body)
        } catch {
            _ = output.removeText(from: start)
            throw error
        }
        return output.removeText(from: start)
    }

    /// The items a `for` loop (or a filter) walks: list items, dict keys, string characters.
    func iterate(_ value: Value) throws(TemplateError) -> [Value] {
        switch value {
        case .list(let items), .tuple(let items): return items
        case .dict(let dict): return dict.keys
        case .string(let text), .markup(let text): return text.unicodeScalars.map { .string(String($0)) }
        case .iterator(let lazy): return lazy.take()
        // A `for` walks a request list in place (`LoopItems`); a dict's repeated keys count once, so it is converted.
        case .request(let reference): return try iterate(reference.converted)
        case .undefined: return []
        default: throw .render("'\(typeName(value))' object is not iterable")
        }
    }

    /// `value` may be a request's list or dict in place (`CompiledExpression.read`):
    /// a slot keeps it so, a namespace (which the template can print or walk) gets it converted.
    func assign(_ target: CompiledTarget, _ value: Value) throws(TemplateError) {
        switch target {
        case .slot(let slot):
            self.slot(depth: 0, slot).pointee = value
        case .tuple(let targets):
            let items = try iterate(value.resolved())
            guard items.count == targets.count else {
                throw .render(
                    items.count < targets.count
                        ? "not enough values to unpack (expected \(targets.count), got \(items.count))"
                        : "too many values to unpack (expected \(targets.count))")
            }
            for (inner, item) in zip(targets, items) { try assign(inner, item) }
        case .namespaceAttribute(let variable, let attribute, let location):
            guard case .namespace(let namespace) = variable.lookup(self) else {
                throw .render("cannot assign attribute on non-namespace object ('\(variable.name)' at \(location))")
            }
            namespace.attributes[attribute] = value.resolved()
        }
    }

    func makeMacro(_ macro: CompiledMacro, closure: Frame) -> Function {
        if !closure.isCaptured {
            closure.capture()
            breakCyclesAtTheEnd(closure)
        }
        return Function(name: macro.name) { interpreter, arguments throws(TemplateError) in
            try interpreter.invoke(macro, closure: closure, arguments)
        }
    }

    private func invoke(_ macro: CompiledMacro, closure: Frame, _ arguments: Arguments) throws(TemplateError) -> Value {
        if arguments.positional.count > macro.parameters.count {
            throw .render("macro '\(macro.name)' takes not more than \(macro.parameters.count) argument(s)")
        }
        guard callDepth < Self.maximumCallDepth else { throw .render("maximum recursion depth exceeded in macro '\(macro.name)'") }
        callDepth += 1
        let outer = frame
        frame = Frame(parent: closure, size: macro.frameSize)
        defer { frame = outer; callDepth -= 1 }
        for keyword in arguments.keywords where keyword.name != "caller" && !macro.parameters.contains(where: { $0.name == keyword.name }) {
            throw .render("macro '\(macro.name)' takes no keyword argument '\(keyword.name)'")
        }
        for (position, parameter) in macro.parameters.enumerated() {
            if let value = arguments.value(position, parameter.name) {
                frame.set(parameter.slot, value)
            } else if let defaultValue = parameter.defaultValue {
                frame.set(parameter.slot, try defaultValue.evaluate(self))
            } else {
                frame.set(parameter.slot, .undefined(Undefined(message: "parameter '\(parameter.name)' was not provided")))
            }
        }
        if let caller = arguments.keywords.last(where: { $0.name == "caller" }) { frame.set(macro.callerSlot, caller.value) }
        return .string(try capture(macro.body))
    }
}
