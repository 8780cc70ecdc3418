/// A statement as a render runs it (see `CompiledExpression`): final,
/// immutable subclasses that return what they ask of the loop around them.
class CompiledStatement {
    func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        preconditionFailure("\(Self.self) does not override execute")
    }
}

/// What `set`, `for` and `with` assign to, resolved to slots of the frame they run in.
enum CompiledTarget {
    case slot(Int)
    case tuple([CompiledTarget])
    /// `{% set ns.attribute = ... %}`: `ns` is looked up, not assigned.
    case namespaceAttribute(VariableExpression, attribute: String, SourceLocation)
}

/// A macro, or a `{% call %}` block's body (its `caller`). Its frame holds
/// its parameters, `caller` and what its body sets.
final class CompiledMacro {
    let name: String
    let parameters: [(name: String, slot: Int, defaultValue: CompiledExpression?)]
    let callerSlot: Int
    let frameSize: Int
    let body: [CompiledStatement]

    init(
        name: String, parameters: [(name: String, slot: Int, defaultValue: CompiledExpression?)], callerSlot: Int,
        frameSize: Int, body: [CompiledStatement]
    ) {
        self.name = name
        self.parameters = parameters
        self.callerSlot = callerSlot
        self.frameSize = frameSize
        self.body = body
    }
}

/// Text between tags.
final class TextStatement: CompiledStatement {
    private let utf8: [UInt8]
    init(_ text: String) { utf8 = Array(text.utf8) }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        interpreter.write(utf8)
        return .normal
    }
}

/// `{{ expression }}`.
final class OutputStatement: CompiledStatement {
    let expression: CompiledExpression
    init(_ expression: CompiledExpression) { self.expression = expression }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        if let value = try expression.append(interpreter) { interpreter.write(try pythonString(value)) }
        return .normal
    }
}

/// `if`, runs in the frame around it; each `elif` is an `if` alone in the
/// `else` of the one before. Its parts are properties, not array elements,
/// so reaching them retains nothing.
final class IfStatement: CompiledStatement {
    let condition: CompiledExpression
    let body: [CompiledStatement]
    let otherwise: [CompiledStatement]

    init(_ condition: CompiledExpression, body: [CompiledStatement], otherwise: [CompiledStatement]) {
        self.condition = condition
        self.body = body
        self.otherwise = otherwise
    }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        // Not a conditional expression: choosing the array that way copied (retained) it.
        if isTruthy(try condition.read(interpreter)) { return try interpreter.execute(body) }
        return try interpreter.execute(otherwise)
    }
}

/// `{% set target = expression %}`.
final class SetStatement: CompiledStatement {
    let target: CompiledTarget
    let expression: CompiledExpression

    init(_ target: CompiledTarget, _ expression: CompiledExpression) {
        self.target = target
        self.expression = expression
    }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        // Where a value can grow from one loop iteration to the next (in a namespace) or one call to the next.
        try interpreter.assign(target, ValueNesting.checked(expression.read(interpreter), storedBy: "{% set %}"))
        return .normal
    }
}

/// Block `set` (`target` is nil) and `{% filter %}` (the result is printed): the body rendered, then filtered.
final class FilteredBlockStatement: CompiledStatement {
    let target: CompiledTarget?
    let filters: [CompiledFilter]
    let body: [CompiledStatement]

    init(_ target: CompiledTarget?, filters: [CompiledFilter], body: [CompiledStatement]) {
        self.target = target
        self.filters = filters
        self.body = body
    }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        var value = Value.string(try interpreter.capture(body))
        for filter in filters { value = try filter.apply(to: value, interpreter) }
        if let target { try interpreter.assign(target, value) } else { interpreter.write(try pythonString(value)) }
        return .normal
    }
}

/// `{% macro %}`: binds the macro, closing over the current frame.
final class MacroStatement: CompiledStatement {
    let macro: CompiledMacro
    let slot: Int

    init(_ macro: CompiledMacro, slot: Int) {
        self.macro = macro
        self.slot = slot
    }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        interpreter.frame.set(slot, .function(interpreter.makeMacro(macro, closure: interpreter.frame)))
        return .normal
    }
}

/// `{% call macro(...) %}body{% endcall %}`: the call gets the body as `caller`.
final class CallBlockStatement: CompiledStatement {
    let call: CompiledExpression
    let caller: CompiledMacro

    init(_ call: CompiledExpression, caller: CompiledMacro) {
        self.call = call
        self.caller = caller
    }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        let caller = interpreter.makeMacro(caller, closure: interpreter.frame)
        interpreter.write(try pythonString(call.evaluate(interpreter, passingCaller: caller)))
        return .normal
    }
}

/// `{% with a = x %}`: the values are computed in the frame around it, then bound in a frame of its own.
final class WithStatement: CompiledStatement {
    let assignments: [(target: CompiledTarget, value: CompiledExpression)]
    let frameSize: Int
    let body: [CompiledStatement]

    init(_ assignments: [(target: CompiledTarget, value: CompiledExpression)], frameSize: Int, body: [CompiledStatement]) {
        self.assignments = assignments
        self.frameSize = frameSize
        self.body = body
    }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow {
        var values: [Value] = []
        for position in assignments.indices { values.append(try assignments[position].value.evaluate(interpreter)) }
        let outer = interpreter.frame
        interpreter.frame = Frame(parent: outer, size: frameSize)
        defer { interpreter.frame = outer }
        for position in assignments.indices { try interpreter.assign(assignments[position].target, values[position]) }
        return try interpreter.execute(body)
    }
}

/// `{% break %}` and `{% continue %}`.
final class LoopControlStatement: CompiledStatement {
    let flow: Interpreter.Flow
    init(_ flow: Interpreter.Flow) { self.flow = flow }

    override func execute(_ interpreter: Interpreter) throws(TemplateError) -> Interpreter.Flow { flow }
}
