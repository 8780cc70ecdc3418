/// The parse tree: statements (`Node`) holding expressions (`Expression`), as
/// the parser builds and checks them. `Compiler` turns it into the tree a render runs.

enum Constant: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    var value: Value {
        switch self {
        case .none: .none
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        }
    }
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
    case concat = "~"
}

enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case isIn = "in", notIn = "not in"
}

struct Call: Sendable {
    var positional: [Expression]
    var keywords: [(name: String, value: Expression)]
}

indirect enum Expression: Sendable {
    case constant(Constant)
    case name(Name, SourceLocation)
    case list([Expression])
    case tuple([Expression])
    case dict([(key: Expression, value: Expression)])
    case attribute(Expression, Name)
    case item(Expression, Expression)
    case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
    case call(Expression, Call, SourceLocation)
    case filter(Expression, name: String, Call, SourceLocation)
    case test(Expression, name: String, Call, negated: Bool, SourceLocation)
    case negate(Expression)
    case plus(Expression)
    case not(Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case binary(BinaryOperator, Expression, Expression, SourceLocation)
    case compare(Expression, [(ComparisonOperator, Expression)], SourceLocation)
    case conditional(then: Expression, condition: Expression, otherwise: Expression?)
}

/// What `set` and `for` assign to.
enum AssignmentTarget: Sendable {
    case name(Name)
    case tuple([AssignmentTarget])
    case namespaceAttribute(String, String, SourceLocation)
}

struct MacroDefinition: Sendable {
    let name: String
    let parameters: [(name: String, defaultValue: Expression?)]
    let body: [Node]
}

indirect enum Node: Sendable {
    case text(String)
    case output(Expression)
    case conditional([(condition: Expression, body: [Node])], otherwise: [Node])
    case loop(target: AssignmentTarget, iterable: Expression, filter: Expression?, body: [Node], otherwise: [Node], SourceLocation)
    case set(AssignmentTarget, Expression)
    case setBlock(AssignmentTarget, filters: [(name: String, Call, SourceLocation)], body: [Node])
    case macro(MacroDefinition)
    case callBlock(Expression, callerParameters: [(name: String, defaultValue: Expression?)], body: [Node])
    case filterBlock([(name: String, Call, SourceLocation)], body: [Node])
    case with([(AssignmentTarget, Expression)], body: [Node])
    /// transformers' `{% generation %}`: renders its body unchanged.
    case generation([Node])
    case breakLoop
    case continueLoop
}
