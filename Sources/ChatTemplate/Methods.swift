/// The Python methods templates call on strings, dicts and lists
/// (`content.split('</think>')`, `message.get('tool_calls')`). Methods that
/// change a list or dict are refused while rendering, as jinja2's immutable
/// sandbox refuses them.
enum Methods {
    private static let stringMethods: Set<String> = [
        "capitalize", "count", "endswith", "find", "format", "isalnum", "isalpha", "isdigit", "islower", "isspace",
        "isupper", "join", "lower", "lstrip", "replace", "rfind", "rsplit", "rstrip", "split", "splitlines",
        "startswith", "strip", "title", "upper",
    ]
    private static let dictMethods: Set<String> = ["get", "items", "keys", "values"]
    /// Methods the immutable sandbox forbids: calling one fails the render.
    private static let mutatingMethods: Set<String> = [
        "append", "clear", "extend", "insert", "pop", "popitem", "remove", "reverse", "setdefault", "sort", "update",
    ]
    private static let loopMethods: Set<String> = ["cycle", "changed"]

    /// Every method name a template may call; any other `x.name(...)` is refused at load time.
    static let callableNames = stringMethods.union(dictMethods).union(mutatingMethods).union(loopMethods)

    /// Python dict's own attributes. jinja2 reads `d.name` as an attribute
    /// before a member, so one of these is the method even where the dict has
    /// a member of that name (a JSON schema's `items`).
    /// By their keys (`Name.key`): a few integer compares, no hashing of the name.
    private static let dictAttributes = [
        "clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values",
    ].map(Name.init)

    static func isDictAttribute(_ name: Name) -> Bool {
        dictAttributes.contains { $0.key == name.key && (Name.keyIsExact(name.key) || sameBytes($0.text, name.text)) }
    }

    /// `dict.name` for one of `dictAttributes`: the bound method, or the
    /// sandbox's undefined for one that changes the dict.
    static func dictAttribute(_ name: String, of dict: Value) -> Value {
        if mutatingMethods.contains(name) {
            return .undefined(Undefined(message: "access to attribute '\(name)' of 'dict' object is unsafe"))
        }
        return .function(
            Function(name: name) { interpreter, arguments throws(TemplateError) in
                guard let result = try call(name, on: dict.resolved(), arguments, interpreter) else {
                    throw .render("the dict method '\(name)()' is not supported")
                }
                return result
            })
    }

    /// The method's result, or nil when `receiver` has no such method (the caller then looks the name up).
    static func call(_ name: String, on receiver: Value, _ arguments: Arguments, _ interpreter: Interpreter) throws(TemplateError) -> Value?
    {
        switch receiver {
        case .string(let text) where stringMethods.contains(name):
            return try stringMethod(name, text, arguments, interpreter)
        case .markup where stringMethods.contains(name):
            throw .render("string methods on Markup values (from |safe or |escape) are not supported")
        case .dict(let dict) where dictMethods.contains(name):
            return try dictMethod(name, dict, arguments)
        case .list, .tuple, .dict:
            if mutatingMethods.contains(name) {
                throw .render("access to attribute '\(name)' of '\(typeName(receiver))' object is unsafe")
            }
            return nil
        default:
            return nil
        }
    }

    private static func dictMethod(_ name: String, _ dict: Dict, _ arguments: Arguments) throws(TemplateError) -> Value {
        switch name {
        case "get":
            guard let key = arguments.positional.first, arguments.positional.count <= 2, arguments.keywords.isEmpty else {
                throw .render("get expected 1 or 2 arguments")
            }
            try requireHashable(key)
            return dict[key] ?? (arguments.positional.count > 1 ? arguments.positional[1] : .none)
        case "items": return .iterator(LazyItems(dict.items.map { .tuple([$0.key, $0.value]) }, kind: .view("dict_items")))
        case "keys": return .iterator(LazyItems(dict.keys, kind: .view("dict_keys")))
        default: return .iterator(LazyItems(dict.values, kind: .view("dict_values")))
        }
    }

    private static func optionalString(_ value: Value?, _ method: String) throws(TemplateError) -> String? {
        switch value {
        case nil, .none?: return nil
        case .string(let text)?: return text
        default: throw .render("\(method)() argument must be str or None")
        }
    }

    private static func integer(_ value: Value?, default fallback: Int, _ method: String) throws(TemplateError) -> Int {
        switch value {
        case nil: return fallback
        case .int(let number)?: return number
        case .bool(let flag)?: return flag ? 1 : 0
        default: throw .render("\(method)() argument must be an integer")
        }
    }

    private static func stringMethod(_ name: String, _ text: String, _ arguments: Arguments, _ interpreter: Interpreter)
        throws(TemplateError) -> Value
    {
        let first = arguments.positional.first
        switch name {
        case "strip", "lstrip", "rstrip":
            let chars = try optionalString(first, name)
            return .string(PythonString.strip(text, chars, leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let separator = try optionalString(arguments.value(0, "sep"), name)
            let maxSplit = try integer(arguments.value(1, "maxsplit"), default: -1, name)
            let parts =
                name == "split"
                ? try PythonString.split(text, separator, maxSplit: maxSplit)
                : try PythonString.rsplit(text, separator, maxSplit: maxSplit)
            return .list(parts.map(Value.string))
        case "startswith", "endswith":
            let candidates: [Value]
            switch first {
            case .string?: candidates = [first!]
            case .tuple(let items)?: candidates = items
            default: throw .render("\(name) first arg must be str or a tuple of str")
            }
            if arguments.positional.count > 1 { throw .render("\(name)() with start or end positions is not supported") }
            for candidate in candidates {
                guard case .string(let affix) = candidate else { throw .render("\(name) first arg must be str or a tuple of str") }
                if name == "startswith" ? PythonString.hasPrefix(text, affix) : PythonString.hasSuffix(text, affix) { return .bool(true) }
            }
            return .bool(false)
        case "replace":
            guard case .string(let old)? = first, arguments.positional.count >= 2, case .string(let new) = arguments.positional[1] else {
                throw .render("replace() arguments must be str")
            }
            let count = try integer(arguments.positional.count > 2 ? arguments.positional[2] : nil, default: -1, name)
            return .string(PythonString.replace(text, old, new, count: count))
        case "upper": return .string(PythonString.upper(text))
        case "lower": return .string(PythonString.lower(text))
        case "capitalize": return .string(PythonString.capitalize(text))
        case "title": return .string(pythonTitle(text))
        case "find", "rfind":
            guard case .string(let needle)? = first, arguments.positional.count == 1 else {
                throw .render("\(name)() needs one str argument")
            }
            return .int(PythonString.find(text, needle, last: name == "rfind"))
        case "count":
            guard case .string(let needle)? = first, arguments.positional.count == 1 else {
                throw .render("count() needs one str argument")
            }
            return .int(PythonString.count(text, needle))
        case "join":
            guard let first else { throw .render("join() takes exactly one argument") }
            var parts: [String] = []
            for item in try interpreter.iterate(first) {
                guard case .string(let part) = item else { throw .render("sequence item: expected str instance, \(typeName(item)) found") }
                parts.append(part)
            }
            return .string(parts.joined(separator: text))
        case "splitlines": return .list(PythonString.splitLines(text).map(Value.string))
        case "format": return .string(try PythonFormat.format(text, arguments))
        case "isdigit":
            return .bool(
                !text.isEmpty
                    && text.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit })
        case "isalpha": return .bool(!text.isEmpty && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic })
        case "isalnum":
            return .bool(!text.isEmpty && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        case "isspace": return .bool(!text.isEmpty && text.unicodeScalars.allSatisfy(isPythonSpace))
        case "islower", "isupper":
            let cased = text.unicodeScalars.filter { $0.properties.isCased }
            return .bool(!cased.isEmpty && cased.allSatisfy { name == "islower" ? $0.properties.isLowercase : $0.properties.isUppercase })
        default: throw .render("'str' object has no attribute '\(name)'")
        }
    }

    /// Python's `str.title()`: a cased character after an uncased one starts a word.
    private static func pythonTitle(_ text: String) -> String {
        var out = ""
        var previousCased = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isCased {
                out += previousCased ? scalar.properties.lowercaseMapping : scalar.properties.titlecaseMapping
                previousCased = true
            } else {
                out.unicodeScalars.append(scalar)
                previousCased = false
            }
        }
        return out
    }
}

/// `str.format` with plain `{}`, `{0}` and `{name}` fields; a format spec or
/// conversion fails the render rather than formatting differently.
enum PythonFormat {
    static func format(_ template: String, _ arguments: Arguments) throws(TemplateError) -> String {
        let scalars = Array(template.unicodeScalars)
        var out = ""
        var index = 0
        var automatic = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "{" && index + 1 < scalars.count && scalars[index + 1] == "{" { out += "{"; index += 2; continue }
            if scalar == "}" && index + 1 < scalars.count && scalars[index + 1] == "}" { out += "}"; index += 2; continue }
            if scalar == "}" { throw .render("single '}' encountered in format string") }
            guard scalar == "{" else { out.unicodeScalars.append(scalar); index += 1; continue }
            guard let close = scalars[index...].firstIndex(of: "}") else { throw .render("single '{' encountered in format string") }
            let field = PythonString.string(scalars[(index + 1)..<close])
            if field.contains(":") || field.contains("!") || field.contains(".") || field.contains("[") {
                throw .render("format field '{\(field)}' is not supported")
            }
            let value: Value?
            if field.isEmpty {
                value = automatic < arguments.positional.count ? arguments.positional[automatic] : nil
                automatic += 1
            } else if let position = Int(field) {
                value = position < arguments.positional.count ? arguments.positional[position] : nil
            } else {
                value = arguments.keywords.last { $0.name == field }?.value
            }
            guard let value else { throw .render("format field '{\(field)}' has no argument") }
            out += try pythonString(value)
            index = close + 1
        }
        return out
    }
}
