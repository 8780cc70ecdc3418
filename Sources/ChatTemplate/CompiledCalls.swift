/// Calls, filters and tests as a render runs them.

/// The arguments of a call, a filter or a test.
struct CompiledArguments {
    let positional: [CompiledExpression]
    let keywords: [(name: String, value: CompiledExpression)]

    var isEmpty: Bool { positional.isEmpty && keywords.isEmpty }

    func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Arguments {
        if isEmpty { return Arguments() }
        var values: [Value] = []
        values.reserveCapacity(positional.count)
        for position in positional.indices { values.append(try positional[position].evaluate(interpreter)) }
        var named: [(name: String, value: Value)] = []
        for position in keywords.indices { named.append((keywords[position].name, try keywords[position].value.evaluate(interpreter))) }
        return Arguments(values, keywords: named)
    }
}

/// `callee(arguments)`; `receiver.name(arguments)` tries Python's methods first.
final class CallExpression: CompiledExpression {
    enum Callee {
        case value(CompiledExpression)
        case method(receiver: CompiledExpression, name: Name)
    }
    let callee: Callee
    let arguments: CompiledArguments
    let location: SourceLocation

    init(_ callee: Callee, _ arguments: CompiledArguments, _ location: SourceLocation) {
        self.callee = callee
        self.arguments = arguments
        self.location = location
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        try call(interpreter, arguments.evaluate(interpreter))
    }

    override func evaluate(_ interpreter: Interpreter, passingCaller caller: Function) throws(TemplateError) -> Value {
        var arguments = try arguments.evaluate(interpreter)
        arguments.keywords.append(("caller", .function(caller)))
        return try call(interpreter, arguments)
    }

    /// The arguments are evaluated before the callee, as jinja2 does.
    private func call(_ interpreter: Interpreter, _ arguments: Arguments) throws(TemplateError) -> Value {
        switch callee {
        case .method(let receiverExpression, let name):
            let receiver = try receiverExpression.evaluate(interpreter)
            if let result = try Methods.call(name.text, on: receiver, arguments, interpreter) { return result }
            return try interpreter.invoke(interpreter.attribute(of: receiver, name), arguments, location)
        case .value(let expression):
            return try interpreter.invoke(expression.evaluate(interpreter), arguments, location)
        }
    }
}

/// One filter with its arguments: in `x | name(...)`, and in the head of block `set` and `filter`.
struct CompiledFilter {
    let name: String
    /// Nil for a name no filter has: jinja2 fails only when such a filter inside an `if` runs.
    let filter: Filter?
    let arguments: CompiledArguments

    init(name: String, arguments: CompiledArguments) {
        self.name = name
        filter = Filter(rawValue: name)
        self.arguments = arguments
    }

    /// The filters that take a request's list or dict in place (`CompiledExpression.read`).
    var readsRequest: Bool { filter == .length || filter == .count || filter == .tojson }

    /// `length` or `count` without arguments.
    var isPlainLength: Bool { (filter == .length || filter == .count) && arguments.isEmpty }

    func apply(to value: Value, _ interpreter: Interpreter) throws(TemplateError) -> Value {
        guard let filter else { throw .render("no filter named '\(name)'") }
        return try Filters.apply(filter, to: value, arguments.evaluate(interpreter), interpreter)
    }
}

/// `target | filter`.
final class FilterExpression: CompiledExpression {
    let target: CompiledExpression
    let filter: CompiledFilter

    init(_ target: CompiledExpression, _ filter: CompiledFilter) {
        self.target = target
        self.filter = filter
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        // `messages|length` counts in place: the general path built the filter's arguments and name each time.
        if filter.isPlainLength { return .int(try Filters.length(of: target.read(interpreter))) }
        return try filter.apply(to: filter.readsRequest ? target.read(interpreter) : target.evaluate(interpreter), interpreter)
    }

    /// `tojson` gives a plain string: written straight into the rendering, not built first.
    override func append(_ interpreter: Interpreter) throws(TemplateError) -> Value? {
        guard filter.filter == .tojson else { return try super.append(interpreter) }
        let value = try target.read(interpreter)
        try PythonJSON.write(value, filter.arguments.evaluate(interpreter), to: interpreter.output)
        return nil
    }
}

/// `target is name(...)`, `target is not name(...)`.
final class TestExpression: CompiledExpression {
    let target: CompiledExpression
    let name: String
    /// Nil for a name no test has: jinja2 fails only when such a test inside an `if` runs.
    let test: Tests.Test?
    let arguments: CompiledArguments
    let negated: Bool

    init(_ target: CompiledExpression, name: String, _ arguments: CompiledArguments, negated: Bool) {
        self.target = target
        self.name = name
        test = Tests.Test(name: name)
        self.arguments = arguments
        self.negated = negated
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        let value = try target.read(interpreter)
        let arguments = try arguments.evaluate(interpreter)
        guard let test else { throw .render("no test named '\(name)'") }
        return .bool(try Tests.apply(test, to: value, arguments, interpreter) != negated)
    }
}
