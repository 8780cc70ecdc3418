/// jinja2's tests (`x is defined`, `x is string`, ...), with Python's type rules.
enum Tests {
    /// A test resolved from its name once: a template's when it is compiled
    /// (matching the name on every call was most of a test's cost).
    enum Test {
        case defined, undefined, none, boolean, isTrue, isFalse, integer, float, number, string, mapping, sequence
        case iterable, callable, odd, even, divisibleby, equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case isIn, sameas, lower, upper

        init?(name: String) {
            switch name {
            case "defined": self = .defined
            case "undefined": self = .undefined
            case "none": self = .none
            case "boolean": self = .boolean
            case "true": self = .isTrue
            case "false": self = .isFalse
            case "integer": self = .integer
            case "float": self = .float
            case "number": self = .number
            case "string": self = .string
            case "mapping": self = .mapping
            case "sequence": self = .sequence
            case "iterable": self = .iterable
            case "callable": self = .callable
            case "odd": self = .odd
            case "even": self = .even
            case "divisibleby": self = .divisibleby
            case "eq", "equalto", "==": self = .equal
            case "ne", "!=": self = .notEqual
            case "lt", "lessthan", "<": self = .less
            case "le", "<=": self = .lessOrEqual
            case "gt", "greaterthan", ">": self = .greater
            case "ge", ">=": self = .greaterOrEqual
            case "in": self = .isIn
            case "sameas": self = .sameas
            case "lower": self = .lower
            case "upper": self = .upper
            default: return nil
            }
        }
    }

    private static let jinjaOnly: Set<String> = ["escaped", "filter", "test"]

    /// Refuses jinja2 tests this engine lacks; unknown names are `UnknownNameCheck`'s.
    static func check(_ name: String, at location: SourceLocation) throws(TemplateError) {
        if jinjaOnly.contains(name) { throw .unsupported("the test '\(name)'", location) }
    }

    /// The test named `name`, as `select` and `reject` give it.
    static func apply(_ name: String, to value: Value, _ arguments: Arguments, _ interpreter: Interpreter) throws(TemplateError) -> Bool {
        guard let test = Test(name: name) else { throw .render("no test named '\(name)'") }
        return try apply(test, to: value, arguments, interpreter)
    }

    /// `value` may be a request's list or dict in place: a test of its kind alone does not convert it.
    static func apply(_ test: Test, to value: Value, _ arguments: Arguments, _ interpreter: Interpreter) throws(TemplateError) -> Bool {
        if case .request(let reference) = value {
            switch test {
            case .mapping: return reference.isDict
            case .defined, .sequence, .iterable: return true
            case .undefined, .none, .boolean, .isTrue, .isFalse, .integer, .float, .number, .string, .callable: return false
            default: return try apply(test, to: reference.converted, arguments, interpreter)
            }
        }
        var other: Value { arguments.positional.first ?? .undefined(Undefined(message: "missing test argument")) }
        switch test {
        case .defined: if case .undefined = value { return false } else { return true }
        case .undefined: if case .undefined = value { return true } else { return false }
        case .none: if case .none = value { return true } else { return false }
        case .boolean: if case .bool = value { return true } else { return false }
        case .isTrue: if case .bool(true) = value { return true } else { return false }
        case .isFalse: if case .bool(false) = value { return true } else { return false }
        case .integer: if case .int = value { return true } else { return false }
        case .float: if case .double = value { return true } else { return false }
        case .number:
            switch value {
            case .int, .double, .bool: return true;
            default: return false
            }
        case .string: return value.text != nil
        case .mapping: if case .dict = value { return true } else { return false }
        // As jinja2 answers from Python's special methods: `Undefined` has `__len__`,
        // `__getitem__` and `__call__` (failing when used), the loop object `__iter__` and `__call__`.
        case .sequence:
            switch value {
            case .string, .markup, .list, .tuple, .dict, .undefined: return true;
            default: return false
            }
        case .iterable:
            switch value {
            case .string, .markup, .list, .tuple, .dict, .undefined, .iterator, .loop: return true;
            default: return false
            }
        case .callable:
            switch value {
            case .function, .undefined, .loop: return true;
            default: return false
            }
        case .odd, .even:
            guard case .int(let number) = value.asInteger else { throw .render("\(test == .odd ? "odd" : "even") needs an integer") }
            return (number & 1 == 1) == (test == .odd)
        case .divisibleby:
            guard case .int(let number) = value.asInteger, case .int(let divisor) = other.asInteger else {
                throw .render("divisibleby needs integers")
            }
            guard divisor != 0 else { throw .render("integer division or modulo by zero") }
            return number % divisor == 0
        case .equal: return pythonEquals(value, other)
        case .notEqual: return !pythonEquals(value, other)
        case .less: return try pythonCompare(value, other) < 0
        case .lessOrEqual: return try pythonCompare(value, other) <= 0
        case .greater: return try pythonCompare(value, other) > 0
        case .greaterOrEqual: return try pythonCompare(value, other) >= 0
        case .isIn: return try pythonContains(other, value)
        case .sameas:
            switch (value, other) {
            case (.none, .none): return true
            case let (.bool(a), .bool(b)): return a == b
            case let (.namespace(a), .namespace(b)): return a === b
            default: throw .render("'sameas' is only supported for none, booleans and namespaces")
            }
        case .lower, .upper:
            let text = try pythonString(value)
            let hasCased = text.unicodeScalars.contains { $0.properties.isCased }
            let folded = test == .lower ? PythonString.lower(text) : PythonString.upper(text)
            return hasCased && folded.unicodeScalars.elementsEqual(text.unicodeScalars)
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
