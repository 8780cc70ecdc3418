/// jinja2's tests (`x is defined`, `x is string`, ...), with Python's type rules.
enum Tests {
    static let implemented: Set<String> = [
        "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "==", "even", "false", "float", "ge", ">=",
        "gt", "greaterthan", ">", "in", "integer", "iterable", "le", "<=", "lower", "lt", "lessthan", "<", "mapping",
        "ne", "!=", "none", "number", "odd", "sameas", "sequence", "string", "true", "undefined", "upper",
    ]
    private static let jinjaOnly: Set<String> = ["escaped", "filter", "test"]

    /// Refuses jinja2 tests this engine lacks; unknown names are `UnknownNameCheck`'s.
    static func check(_ name: String, at location: SourceLocation) throws(TemplateError) {
        if jinjaOnly.contains(name) { throw .unsupported("the test '\(name)'", location) }
    }

    static func apply(_ name: String, to value: Value, _ arguments: Arguments, _ interpreter: Interpreter) throws(TemplateError) -> Bool {
        let other = arguments.positional.first ?? .undefined(Undefined(message: "missing test argument"))
        switch name {
        case "defined": if case .undefined = value { return false } else { return true }
        case "undefined": if case .undefined = value { return true } else { return false }
        case "none": if case .none = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "number":
            switch value {
            case .int, .double, .bool: return true;
            default: return false
            }
        case "string": return value.text != nil
        case "mapping": if case .dict = value { return true } else { return false }
        case "sequence":
            switch value {
            case .string, .markup, .list, .tuple, .dict: return true;
            default: return false
            }
        case "iterable":
            switch value {
            case .string, .markup, .list, .tuple, .dict, .undefined, .iterator: return true;
            default: return false
            }
        case "callable":
            switch value {
            case .function: return true;
            default: return false
            }
        case "odd", "even":
            guard case .int(let number) = value.asInteger else { throw .render("\(name) needs an integer") }
            return (number & 1 == 1) == (name == "odd")
        case "divisibleby":
            guard case .int(let number) = value.asInteger, case .int(let divisor) = other.asInteger else {
                throw .render("divisibleby needs integers")
            }
            guard divisor != 0 else { throw .render("integer division or modulo by zero") }
            return number % divisor == 0
        case "eq", "equalto", "==": return pythonEquals(value, other)
        case "ne", "!=": return !pythonEquals(value, other)
        case "lt", "lessthan", "<": return try pythonCompare(value, other) < 0
        case "le", "<=": return try pythonCompare(value, other) <= 0
        case "gt", "greaterthan", ">": return try pythonCompare(value, other) > 0
        case "ge", ">=": return try pythonCompare(value, other) >= 0
        case "in": return try pythonContains(other, value)
        case "sameas":
            switch (value, other) {
            case (.none, .none): return true
            case let (.bool(a), .bool(b)): return a == b
            case let (.namespace(a), .namespace(b)): return a === b
            default: throw .render("'sameas' is only supported for none, booleans and namespaces")
            }
        case "lower", "upper":
            let text = try pythonString(value)
            let hasCased = text.unicodeScalars.contains { $0.properties.isCased }
            let folded = name == "lower" ? PythonString.lower(text) : PythonString.upper(text)
            return hasCased && folded.unicodeScalars.elementsEqual(text.unicodeScalars)
        default: throw .render("no test named '\(name)'")
        }
    }
}

extension Value {
    /// Bools are ints in Python's arithmetic tests.
    var asInteger: Value {
        if case .bool(let flag) = self { return .int(flag ? 1 : 0) }
        return self
    }
}
