/// An expression as a render runs it: the compiler (`Compiler`) made it from
/// the parse tree, with every variable resolved to frame slots. Subclasses are
/// final and immutable, and calling a child's `evaluate` borrows it, so
/// walking the tree costs no reference counting (matching an indirect enum's
/// case copied its payload, retaining every child).
class CompiledExpression {
    /// The value, never a `.request`: the request's lists and dicts converted.
    func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        preconditionFailure("\(Self.self) does not override evaluate")
    }

    /// The value, with the request's lists and dicts left in place (`.request`):
    /// for the readers that handle them (attributes, items, slices, `for`,
    /// `if`, `set`, `length`, `tojson`), so that reading a message copies nothing.
    func read(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        try evaluate(interpreter)
    }

    /// A call evaluated with a `{% call %}` block's body as `caller`; other expressions ignore it.
    func evaluate(_ interpreter: Interpreter, passingCaller caller: Function) throws(TemplateError) -> Value {
        try evaluate(interpreter)
    }

    /// The operands of an expression the compiler may compute when they are all
    /// literals (`Compiler.folded`); nil for the others (variables, calls, filters, tests).
    var foldableOperands: [CompiledExpression]? { nil }

    /// For `{{ ... }}`: appends the value when it is a plain string and returns
    /// nil, or returns the value to print. `+` and `~` override it to append
    /// their operands one by one instead of building each intermediate string.
    func append(_ interpreter: Interpreter) throws(TemplateError) -> Value? {
        let value = try evaluate(interpreter)
        guard case .string(let text) = value else { return value }
        interpreter.write(text)
        return nil
    }
}

/// A literal, or a subexpression of literals the compiler computed.
final class ConstantExpression: CompiledExpression {
    let value: Value
    /// A string constant's bytes, appended without touching the string.
    private let utf8: [UInt8]?

    init(_ value: Value) {
        self.value = value
        if case .string(let text) = value { utf8 = Array(text.utf8) } else { utf8 = nil }
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value { value }

    override func append(_ interpreter: Interpreter) throws(TemplateError) -> Value? {
        guard let utf8 else { return value }
        interpreter.write(utf8)
        return nil
    }
}

/// A variable: the frame slots that can hold it, innermost first (a slot is
/// empty until its frame sets the name), then the render's variables, then
/// jinja2's globals.
final class VariableExpression: CompiledExpression {
    let name: String
    /// The innermost slot apart from the others: most names have one slot or none.
    private let innermost: (depth: Int, slot: Int)?
    private let outer: [(depth: Int, slot: Int)]
    /// The index of `name` among the render's variables (`Interpreter.globals`).
    private let global: Int

    init(name: String, slots: [(depth: Int, slot: Int)], global: Int) {
        self.name = name
        innermost = slots.first
        outer = Array(slots.dropFirst())
        self.global = global
    }

    /// The variable as a frame or the render's variables hold it (not jinja2's globals).
    func lookup(_ interpreter: Interpreter) -> Value? {
        if let innermost {
            if case let value? = interpreter.slot(depth: innermost.depth, innermost.slot).pointee { return value }
            for position in outer.indices {
                if case let value? = interpreter.slot(depth: outer[position].depth, outer[position].slot).pointee { return value }
            }
        }
        return interpreter.globals[global]
    }

    override func read(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        if let value = lookup(interpreter) { return value }
        return Globals.named(name) ?? .missing(name)
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value { try read(interpreter).resolved() }
}

/// `target.name`; `loop.last` and its kin are resolved when compiled.
final class AttributeExpression: CompiledExpression {
    let target: CompiledExpression
    let name: Name
    private let loopAttribute: LoopState.Attribute?
    /// A dict method's name (`items`): never a message's member, so the in-place reads below are skipped.
    private let isDictAttribute: Bool

    init(_ target: CompiledExpression, _ name: Name) {
        self.target = target
        self.name = name
        loopAttribute = LoopState.attribute(named: name.text)
        isDictAttribute = Methods.isDictAttribute(name)
    }

    override var foldableOperands: [CompiledExpression]? { [target] }

    override func read(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        try attribute(of: target.read(interpreter), interpreter)
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value { try read(interpreter).resolved() }

    /// A message's string field is written straight from the request's store.
    override func append(_ interpreter: Interpreter) throws(TemplateError) -> Value? {
        let value = try target.read(interpreter)
        let written = inPlace(value)?.withString(member: name) { text in text.withUTF8 { interpreter.output.append($0) } }
        if written != nil { return nil }
        let field = try attribute(of: value, interpreter).resolved()
        guard case .string(let text) = field else { return field }
        interpreter.write(text)
        return nil
    }

    /// `target.name == literal`: a message's string field compared in the
    /// request's store (reading it out retained and released it).
    func isEqual(to literal: String, _ interpreter: Interpreter) throws(TemplateError) -> Bool {
        let value = try target.read(interpreter)
        if let fields = inPlace(value), let same = fields.withString(member: name, { text in sameBytes(text, literal) }) { return same }
        return pythonEquals(try attribute(of: value, interpreter), literal: literal)
    }

    /// The request's list or dict `value` when the name is read from it in place: not for a dict method's name.
    private func inPlace(_ value: Value) -> RequestReference? {
        if !isDictAttribute, case .request(let reference) = value { return reference }
        return nil
    }

    /// Inlined: its three callers are the hot path of reading a message, and
    /// the dict-method check made the optimizer call it instead (+10 K instructions per Qwen3 render).
    @inline(__always) private func attribute(of value: Value, _ interpreter: Interpreter) throws(TemplateError) -> Value {
        // The common case first: a field of a message, in place.
        if let fields = inPlace(value), let field = fields.member(name) { return field }
        if let loopAttribute, case .loop(let loop) = value { return loop.value(of: loopAttribute) }
        return try interpreter.attribute(of: value, name)
    }
}

/// `target[index]`.
final class ItemExpression: CompiledExpression {
    let target: CompiledExpression
    let index: CompiledExpression

    init(_ target: CompiledExpression, _ index: CompiledExpression) {
        self.target = target
        self.index = index
    }

    override var foldableOperands: [CompiledExpression]? { [target, index] }

    override func read(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        try interpreter.item(of: target.read(interpreter), index.evaluate(interpreter))
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value { try read(interpreter).resolved() }
}

/// `target[start:stop:step]`.
final class SliceExpression: CompiledExpression {
    let target: CompiledExpression
    let start: CompiledExpression?
    let stop: CompiledExpression?
    let step: CompiledExpression?

    init(_ target: CompiledExpression, start: CompiledExpression?, stop: CompiledExpression?, step: CompiledExpression?) {
        self.target = target
        self.start = start
        self.stop = stop
        self.step = step
    }

    override var foldableOperands: [CompiledExpression]? { [target] + [start, stop, step].compactMap { $0 } }

    override func read(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        func bound(_ expression: CompiledExpression?) throws(TemplateError) -> Value? {
            guard let expression else { return nil }
            return try expression.evaluate(interpreter)
        }
        return try interpreter.slice(target.read(interpreter), start: bound(start), stop: bound(stop), step: bound(step))
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value { try read(interpreter).resolved() }
}

/// A list or tuple display: `[a, b]`, `(a, b)`.
final class SequenceExpression: CompiledExpression {
    let items: [CompiledExpression]
    let isTuple: Bool

    init(_ items: [CompiledExpression], isTuple: Bool) {
        self.items = items
        self.isTuple = isTuple
    }

    override var foldableOperands: [CompiledExpression]? { items }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        var values: [Value] = []
        values.reserveCapacity(items.count)
        for position in items.indices { values.append(try items[position].evaluate(interpreter)) }
        return isTuple ? .tuple(values) : .list(values)
    }
}

/// A dict display: `{key: value, ...}`.
final class DictExpression: CompiledExpression {
    let pairs: [(key: CompiledExpression, value: CompiledExpression)]

    init(_ pairs: [(key: CompiledExpression, value: CompiledExpression)]) { self.pairs = pairs }

    override var foldableOperands: [CompiledExpression]? { pairs.flatMap { [$0.key, $0.value] } }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        var dict = Dict()
        for position in pairs.indices {
            let key = try pairs[position].key.evaluate(interpreter)
            guard DictKey(key) != nil else { throw .render("unhashable type: '\(typeName(key))'") }
            dict[key] = try pairs[position].value.evaluate(interpreter)
        }
        return .dict(dict)
    }
}
