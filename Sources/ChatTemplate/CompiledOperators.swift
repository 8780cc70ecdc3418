/// Operators as a render runs them, with Python's semantics (Operators.swift),
/// and fast paths for the comparisons chat templates make on every message.

/// `-x`, `+x`, `not x`.
final class UnaryExpression: CompiledExpression {
    enum Operator { case negate, plus, not }
    let op: Operator
    let operand: CompiledExpression

    init(_ op: Operator, _ operand: CompiledExpression) {
        self.op = op
        self.operand = operand
    }

    override var foldableOperands: [CompiledExpression]? { [operand] }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        // In place: `not` asks only whether it is empty, and `-` and `+` refuse a list or dict.
        let value = try operand.read(interpreter)
        switch (op, value) {
        case (.not, _): return .bool(!isTruthy(value))
        case (.negate, .int(let number)):
            guard number != Int.min else { throw .render("integer result too large") }
            return .int(-number)
        case (.negate, .double(let number)): return .double(-number)
        case (.negate, .bool(let flag)): return .int(flag ? -1 : 0)
        case (.plus, .int), (.plus, .double): return value
        case (.plus, .bool(let flag)): return .int(flag ? 1 : 0)
        case (.negate, _): throw .render("bad operand type for unary -: '\(typeName(value))'")
        case (.plus, _): throw .render("bad operand type for unary +: '\(typeName(value))'")
        }
    }
}

/// `a and b`, `a or b`: the deciding operand itself, as in Python.
final class LogicalExpression: CompiledExpression {
    let isAnd: Bool
    let left: CompiledExpression
    let right: CompiledExpression

    init(isAnd: Bool, _ left: CompiledExpression, _ right: CompiledExpression) {
        self.isAnd = isAnd
        self.left = left
        self.right = right
    }

    override var foldableOperands: [CompiledExpression]? { [left, right] }

    override func read(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        let value = try left.read(interpreter)
        return isTruthy(value) == isAnd ? try right.read(interpreter) : value
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value { try read(interpreter).resolved() }
}

/// Arithmetic; `+` of strings appends its operands straight to the output in `{{ }}`.
final class ArithmeticExpression: CompiledExpression {
    let op: BinaryOperator
    let left: CompiledExpression
    let right: CompiledExpression

    init(_ op: BinaryOperator, _ left: CompiledExpression, _ right: CompiledExpression) {
        self.op = op
        self.left = left
        self.right = right
    }

    override var foldableOperands: [CompiledExpression]? { [left, right] }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        try pythonArithmetic(op, left.evaluate(interpreter), right.evaluate(interpreter))
    }

    override func append(_ interpreter: Interpreter) throws(TemplateError) -> Value? {
        guard op == .add else { return try super.append(interpreter) }
        let start = interpreter.output.count
        if let leftValue = try left.append(interpreter) { return try pythonArithmetic(.add, leftValue, right.evaluate(interpreter)) }
        guard let rightValue = try right.append(interpreter) else { return nil }
        // The left side was a plain string, the right one is not: take the left back and add as Python would.
        let leftText = interpreter.output.removeText(from: start)
        return try pythonArithmetic(.add, .string(leftText), rightValue)
    }
}

/// `a ~ b`: both operands as strings, joined.
final class ConcatExpression: CompiledExpression {
    let left: CompiledExpression
    let right: CompiledExpression

    init(_ left: CompiledExpression, _ right: CompiledExpression) {
        self.left = left
        self.right = right
    }

    override var foldableOperands: [CompiledExpression]? { [left, right] }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        .string(try pythonString(left.evaluate(interpreter)) + pythonString(right.evaluate(interpreter)))
    }

    override func append(_ interpreter: Interpreter) throws(TemplateError) -> Value? {
        if let value = try left.append(interpreter) { interpreter.write(try pythonString(value)) }
        if let value = try right.append(interpreter) { interpreter.write(try pythonString(value)) }
        return nil
    }
}

/// A comparison chain: `a < b <= c` is `a < b and b <= c`, each operand evaluated once.
final class ComparisonExpression: CompiledExpression {
    let first: CompiledExpression
    let operations: [(op: ComparisonOperator, operand: CompiledExpression)]

    init(_ first: CompiledExpression, _ operations: [(op: ComparisonOperator, operand: CompiledExpression)]) {
        self.first = first
        self.operations = operations
    }

    override var foldableOperands: [CompiledExpression]? { [first] + operations.map(\.operand) }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        var left = try first.evaluate(interpreter)
        for position in operations.indices {
            let right = try operations[position].operand.evaluate(interpreter)
            guard try Self.compare(operations[position].op, left, right) else { return .bool(false) }
            left = right
        }
        return .bool(true)
    }

    static func compare(_ op: ComparisonOperator, _ left: Value, _ right: Value) throws(TemplateError) -> Bool {
        switch op {
        case .equal: return pythonEquals(left, right)
        case .notEqual: return !pythonEquals(left, right)
        case .isIn: return try pythonContains(right, left)
        case .notIn: return try !pythonContains(right, left)
        case .less: return try pythonCompare(left, right) < 0
        case .lessOrEqual: return try pythonCompare(left, right) <= 0
        case .greater: return try pythonCompare(left, right) > 0
        case .greaterOrEqual: return try pythonCompare(left, right) >= 0
        }
    }
}

/// `x == 'literal'` and `x != 'literal'` (`message.role == "user"`): compares bytes when `x` is a plain string.
final class StringEqualityExpression: CompiledExpression {
    let operand: CompiledExpression
    /// The operand when it is an attribute (`message.role`): compared where the request holds it.
    private let field: AttributeExpression?
    let literal: String
    let negated: Bool

    init(_ operand: CompiledExpression, _ literal: String, negated: Bool) {
        self.operand = operand
        field = operand as? AttributeExpression
        self.literal = literal
        self.negated = negated
    }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        if let same = try field?.isEqual(to: literal, interpreter) { return .bool(same != negated) }
        return .bool(pythonEquals(try operand.read(interpreter), literal: literal) != negated)
    }
}

/// `a if condition else b`.
final class ConditionalExpression: CompiledExpression {
    let then: CompiledExpression
    let condition: CompiledExpression
    let otherwise: CompiledExpression?

    init(then: CompiledExpression, condition: CompiledExpression, otherwise: CompiledExpression?) {
        self.then = then
        self.condition = condition
        self.otherwise = otherwise
    }

    override var foldableOperands: [CompiledExpression]? { [then, condition] + (otherwise.map { [$0] } ?? []) }

    override func evaluate(_ interpreter: Interpreter) throws(TemplateError) -> Value {
        if isTruthy(try condition.read(interpreter)) { return try then.evaluate(interpreter) }
        guard let otherwise else {
            return .undefined(Undefined(message: "the inline if expression evaluated to false and no else section was defined"))
        }
        return try otherwise.evaluate(interpreter)
    }
}
