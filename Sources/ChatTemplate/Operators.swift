import Foundation

/// Python's semantics for truthiness, equality, ordering, arithmetic and `in`,
/// on template values.

func isTruthy(_ value: Value) -> Bool {
    switch value {
    case .undefined, .none: false
    case .bool(let flag): flag
    case .int(let number): number != 0
    case .double(let number): number != 0
    case .string(let text), .markup(let text): !text.isEmpty
    case .list(let items), .tuple(let items): !items.isEmpty
    case .iterator(let lazy): lazy.viewItems.map { !$0.isEmpty } ?? true
    case .dict(let dict): !dict.isEmpty
    case .request(let reference): reference.count > 0
    case .namespace, .function, .loop: true
    }
}

/// A number as Python sees it: bools are ints.
private enum Number {
    case int(Int)
    case double(Double)

    init?(_ value: Value) {
        switch value {
        case .bool(let flag): self = .int(flag ? 1 : 0)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        default: return nil
        }
    }

    var double: Double {
        switch self {
        case .int(let number): Double(number)
        case .double(let number): number
        }
    }
}

/// Python `value == literal` for a string literal; `value` may be a request's list or dict in place.
func pythonEquals(_ value: Value, literal: String) -> Bool {
    if case .string(let text) = value { return sameBytes(text, literal) }
    return pythonEquals(value.resolved(), .string(literal))
}

/// Python `==`. Strings compare by code points, never by canonical equivalence.
func pythonEquals(_ left: Value, _ right: Value) -> Bool {
    switch (left, right) {
    case (.undefined, .undefined), (.none, .none): return true
    case let (.iterator(a), .iterator(b)): return a === b
    case (.string, _), (.markup, _), (_, .string), (_, .markup):
        guard let a = left.text, let b = right.text else { return false }
        return sameBytes(a, b)
    case let (.list(a), .list(b)), let (.tuple(a), .tuple(b)):
        return a.count == b.count && zip(a, b).allSatisfy(pythonEquals)
    case let (.dict(a), .dict(b)):
        return a.count == b.count && a.items.allSatisfy { key, value in b[key].map { pythonEquals(value, $0) } ?? false }
    case let (.namespace(a), .namespace(b)): return a === b
    case let (.function(a), .function(b)): return a === b
    default:
        guard let a = Number(left), let b = Number(right) else { return false }
        if case .int(let x) = a, case .int(let y) = b { return x == y }
        return a.double == b.double
    }
}

/// Python `<`, `<=`, `>`, `>=` through one three-way comparison; types Python cannot order are an error.
func pythonCompare(_ left: Value, _ right: Value) throws(TemplateError) -> Int {
    if let a = left.text, let b = right.text {
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : a.utf8.elementsEqual(b.utf8) ? 0 : 1
    }
    switch (left, right) {
    case let (.string(a), .string(b)):
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : a.utf8.elementsEqual(b.utf8) ? 0 : 1
    case let (.list(a), .list(b)), let (.tuple(a), .tuple(b)):
        for (x, y) in zip(a, b) where !pythonEquals(x, y) { return try pythonCompare(x, y) }
        return a.count < b.count ? -1 : a.count == b.count ? 0 : 1
    default:
        guard let a = Number(left), let b = Number(right) else {
            throw .render("'<' not supported between instances of '\(typeName(left))' and '\(typeName(right))'")
        }
        if case .int(let x) = a, case .int(let y) = b { return x < y ? -1 : x == y ? 0 : 1 }
        return a.double < b.double ? -1 : a.double == b.double ? 0 : 1
    }
}

/// Python's refusal to look a list or dict (or a tuple holding one) up in a dict or a set: they are unhashable.
func requireHashable(_ value: Value) throws(TemplateError) {
    switch value {
    case .list, .dict, .request: throw .render("unhashable type: '\(typeName(value))'")
    case .tuple(let items): for item in items { try requireHashable(item) }
    default: break
    }
}

/// Python's `in`.
func pythonContains(_ container: Value, _ element: Value) throws(TemplateError) -> Bool {
    switch container {
    case .string(let text), .markup(let text):
        guard let needle = element.text else {
            throw .render("'in <string>' requires string as left operand, not \(typeName(element))")
        }
        return PythonString.contains(text, needle)
    case .list(let items), .tuple(let items): return items.contains { pythonEquals($0, element) }
    case .dict(let dict):
        try requireHashable(element)
        return dict[element] != nil
    case .namespace(let namespace): return namespace.attributes[element] != nil
    case .undefined: return false
    case .iterator(let lazy): return lazy.take().contains { pythonEquals($0, element) }
    default: throw .render("argument of type '\(typeName(container))' is not iterable")
    }
}

func typeName(_ value: Value) -> String {
    switch value {
    case .undefined: "Undefined"
    case .none: "NoneType"
    case .bool: "bool"
    case .int: "int"
    case .double: "float"
    case .string: "str"
    case .markup: "Markup"
    case .iterator(let lazy): if case .view(let name) = lazy.kind { name } else { "generator" }
    case .list: "list"
    case .tuple: "tuple"
    case .dict: "dict"
    case .request(let reference): reference.isDict ? "dict" : "list"
    case .namespace: "Namespace"
    case .function: "function"
    case .loop: "LoopContext"
    }
}

/// Where `'x' * n` stops: far beyond any prompt, short of exhausting memory.
private let maximumRepeatedBytes = 1 << 28

/// Python's arithmetic operators (and `+`/`*` on strings and lists).
func pythonArithmetic(_ op: BinaryOperator, _ left: Value, _ right: Value) throws(TemplateError) -> Value {
    if case .undefined(let undefined) = left { throw .render(undefined.message) }
    if case .undefined(let undefined) = right { throw .render(undefined.message) }
    switch (op, left, right) {
    case let (.add, .string(a), .string(b)): return .string(a + b)
    case (.add, .markup, .markup), (.add, .markup, .string), (.add, .string, .markup):
        // Markup.__add__: the plain side is HTML-escaped.
        return .markup(htmlEscapedUnlessMarkup(left) + htmlEscapedUnlessMarkup(right))
    case let (.multiply, .markup(text), .int(times)), let (.multiply, .int(times), .markup(text)):
        guard times <= 0 || text.utf8.count <= maximumRepeatedBytes / times else { throw .render("repeated string too large") }
        return .markup(String(repeating: text, count: max(times, 0)))
    case let (.add, .list(a), .list(b)): return .list(a + b)
    case let (.add, .tuple(a), .tuple(b)): return .tuple(a + b)
    case let (.multiply, .string(text), count), let (.multiply, count, .string(text)):
        if case .int(let times) = count {
            guard times <= 0 || text.utf8.count <= maximumRepeatedBytes / times else { throw .render("repeated string too large") }
            return .string(String(repeating: text, count: max(times, 0)))
        }
        if case .bool(let flag) = count { return .string(flag ? text : "") }
    case let (.multiply, .list(items), .int(times)), let (.multiply, .int(times), .list(items)):
        guard times <= 0 || items.count <= maximumRepeatedBytes / times else { throw .render("repeated list too large") }
        return .list(Array([[Value]](repeating: items, count: max(times, 0)).joined()))
    default: break
    }
    guard let a = Number(left), let b = Number(right) else {
        throw .render("unsupported operand type(s) for \(op.rawValue): '\(typeName(left))' and '\(typeName(right))'")
    }
    if case .int(let x) = a, case .int(let y) = b, op != .divide {
        return try integerArithmetic(op, x, y)
    }
    let x = a.double, y = b.double
    switch op {
    case .add: return .double(x + y)
    case .subtract: return .double(x - y)
    case .multiply: return .double(x * y)
    case .divide:
        guard y != 0 else { throw .render("division by zero") }
        return .double(x / y)
    case .floorDivide:
        guard y != 0 else { throw .render("float floor division by zero") }
        return .double((x / y).rounded(.down))
    case .modulo:
        guard y != 0 else { throw .render("float modulo") }
        let remainder = x.truncatingRemainder(dividingBy: y)
        return .double(remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder)
    case .power: return .double(try pythonPower(x, y))
    case .concat: return .string("")  // handled by the caller
    }
}

private func pythonPower(_ base: Double, _ exponent: Double) throws(TemplateError) -> Double {
    if base < 0 && exponent != exponent.rounded() { throw .render("a negative number to a fractional power is complex") }
    return pow(base, exponent)
}

private func integerArithmetic(_ op: BinaryOperator, _ x: Int, _ y: Int) throws(TemplateError) -> Value {
    let overflow = TemplateError.render("integer result too large")
    switch op {
    case .add:
        let (sum, overflowed) = x.addingReportingOverflow(y)
        if overflowed { throw overflow }
        return .int(sum)
    case .subtract:
        let (difference, overflowed) = x.subtractingReportingOverflow(y)
        if overflowed { throw overflow }
        return .int(difference)
    case .multiply:
        let (product, overflowed) = x.multipliedReportingOverflow(by: y)
        if overflowed { throw overflow }
        return .int(product)
    case .floorDivide, .modulo:
        guard y != 0 else { throw .render("integer division or modulo by zero") }
        guard !(x == Int.min && y == -1) else { throw overflow }
        var quotient = x / y, remainder = x % y
        if remainder != 0 && (remainder < 0) != (y < 0) { quotient -= 1; remainder += y }
        return .int(op == .floorDivide ? quotient : remainder)
    case .power:
        if y < 0 { return .double(try pythonPower(Double(x), Double(y))) }
        var result = 1, factor = x, remaining = y
        while remaining > 0 {
            if remaining & 1 == 1 {
                let (product, overflowed) = result.multipliedReportingOverflow(by: factor)
                if overflowed { throw overflow }
                result = product
            }
            remaining >>= 1
            if remaining > 0 {
                let (square, overflowed) = factor.multipliedReportingOverflow(by: factor)
                if overflowed { throw overflow }
                factor = square
            }
        }
        return .int(result)
    case .divide, .concat: return .none  // not reached: handled as floats or by the caller
    }
}

/// markupsafe's `escape`: `& < > " '` as entities; a Markup value is already safe.
func htmlEscapedUnlessMarkup(_ value: Value) -> String {
    if case .markup(let text) = value { return text }
    var out = ""
    for scalar in (value.text ?? "").unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&#34;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
