/// jinja2's built-in filters that chat templates use, with transformers'
/// `tojson`. A filter jinja2 has but this engine lacks is refused at load time.
enum Filters {
    /// Filters that return a changed string: on Markup they would return Markup, which this engine does not model.
    private static let markupChanging: Set<String> = ["capitalize", "indent", "lower", "replace", "reverse", "title", "trim", "upper"]
    private static let jinjaOnly: Set<String> = [
        "batch", "center", "filesizeformat", "forceescape", "format", "groupby", "pprint", "random", "round", "slice",
        "striptags", "truncate", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr",
    ]

    /// Refuses jinja2 filters this engine lacks. Names jinja2 lacks too are
    /// left to `UnknownNameCheck`: jinja2 fails on them at load time or at render time.
    static func check(_ name: String, at location: SourceLocation) throws(TemplateError) {
        if jinjaOnly.contains(name) { throw .unsupported("the filter '\(name)'", location) }
    }

    static func apply(_ filter: Filter, to value: Value, _ arguments: Arguments, _ interpreter: Interpreter) throws(TemplateError) -> Value
    {
        let name = filter.rawValue
        let argument = { (position: Int, name: String) in arguments.value(position, name) }
        if case .markup = value, markupChanging.contains(name) {
            throw .render("the filter '\(name)' on a Markup value (from |safe or |escape) is not supported")
        }
        switch filter {
        case .abs:
            switch value {
            case .int(let number):
                guard number != Int.min else { throw .render("integer result too large") }
                return .int(Swift.abs(number))
            case .double(let number): return .double(Swift.abs(number))
            case .bool(let flag): return .int(flag ? 1 : 0)
            default: throw .render("bad operand type for abs(): '\(typeName(value))'")
            }
        case .attr:
            guard case .string(let attribute)? = argument(0, "name") else { throw .render("attr() needs a name") }
            // jinja2's `attr` reads attributes only: a dict's members are not among them.
            if case .dict = value, !Methods.isDictAttribute(Name(attribute)) {
                return .undefined(Undefined(message: "'dict object' has no attribute '\(attribute)'"))
            }
            return try interpreter.attribute(of: value, attribute)
        case .capitalize: return .string(PythonString.capitalize(try pythonString(value)))
        case .count, .length: return .int(try length(of: value))
        case .d, .`default`:
            try arguments.check(name, names: ["default_value", "boolean"])
            let boolean = argument(1, "boolean").map(isTruthy) ?? false
            if case .undefined = value { return argument(0, "default_value") ?? .empty }
            if boolean && !isTruthy(value) { return argument(0, "default_value") ?? .empty }
            return value
        case .dictsort: return try dictsort(value, arguments)
        case .e, .escape:
            if case .markup = value { return value }
            return .markup(htmlEscapedUnlessMarkup(.string(try pythonString(value))))
        case .first:
            return try interpreter.iterate(value).first ?? .undefined(Undefined(message: "no first item, sequence was empty"))
        case .last:
            return try interpreter.iterate(value).last ?? .undefined(Undefined(message: "no last item, sequence was empty"))
        case .float: return try toFloat(value, default: argument(0, "default") ?? .double(0))
        case .int: return try toInt(value, default: argument(0, "default") ?? .int(0), base: argument(1, "base"))
        case .indent: return try indent(value, arguments)
        case .items:
            switch value {
            case .undefined: return LazyItems.generator([])
            case .dict(let dict): return LazyItems.generator(dict.items.map { .tuple([$0.key, $0.value]) })
            default: throw .render("can only get item pairs from a mapping")
            }
        case .join:
            try arguments.check(name, names: ["d", "attribute"])
            var items = try interpreter.iterate(value)
            if let attribute = argument(1, "attribute") { items = try items.map(attributeGetter(attribute, interpreter)) }
            let separator = try argument(0, "d").map(pythonString) ?? ""
            return .string(try items.map { item throws(TemplateError) in try pythonString(item) }.joined(separator: separator))
        case .list: return .list(try interpreter.iterate(value))
        case .lower: return .string(PythonString.lower(try pythonString(value)))
        case .upper: return .string(PythonString.upper(try pythonString(value)))
        case .map: return LazyItems.generator(try map(value, arguments, interpreter))
        case .max, .min: return try extremum(value, arguments, largest: filter == .max, interpreter)
        case .select, .reject, .selectattr, .rejectattr:
            return LazyItems.generator(
                try select(
                    value, arguments, keeping: filter == .select || filter == .selectattr,
                    byAttribute: filter == .selectattr || filter == .rejectattr, interpreter))
        case .replace:
            guard case .string(let old)? = argument(0, "old"), case .string(let new)? = argument(1, "new") else {
                throw .render("replace() needs two strings")
            }
            var count = -1
            if let limit = argument(2, "count") {
                guard case .int(let number) = limit else { throw .render("replace() count must be an integer") }; count = number
            }
            return .string(PythonString.replace(try pythonString(value), old, new, count: count))
        case .reverse:
            if case .string(let text) = value { return .string(PythonString.string(text.unicodeScalars.reversed())) }
            return LazyItems.generator(try interpreter.iterate(value).reversed())
        case .safe:
            return .markup(try pythonString(value))
        case .string:
            if case .markup = value { return value }
            return .string(try pythonString(value))
        case .sort: return .list(try sort(value, arguments, interpreter))
        case .sum:
            var total = argument(1, "start") ?? .int(0)
            var items = try interpreter.iterate(value)
            if let attribute = argument(0, "attribute") { items = try items.map(attributeGetter(attribute, interpreter)) }
            for item in items { total = try pythonArithmetic(.add, total, item) }
            return total
        case .title: return .string(title(try pythonString(value)))
        case .tojson: return .string(try PythonJSON.dumps(value, arguments))
        case .trim:
            let chars = try argument(0, "chars").flatMap { chars throws(TemplateError) -> String? in
                if case .none = chars { return nil }
                return try pythonString(chars)
            }
            return .string(PythonString.strip(try pythonString(value), chars, leading: true, trailing: true))
        case .unique: return LazyItems.generator(try unique(value, arguments, interpreter))
        }
    }

    static func length(of value: Value) throws(TemplateError) -> Int {
        switch value {
        case .undefined: return 0
        case .string(let text), .markup(let text): return text.unicodeScalars.count
        case .list(let items), .tuple(let items): return items.count
        case .iterator(let lazy):
            guard let items = lazy.viewItems else { throw .render("object of type 'generator' has no len()") }
            return items.count
        case .dict(let dict): return dict.count
        // A dict's repeated keys count once: converted first.
        case .request(let reference): return reference.isDict ? try length(of: reference.converted) : reference.count
        default: throw .render("object of type '\(typeName(value))' has no len()")
        }
    }

    /// jinja2's `make_attrgetter`: "a.b.0" walks items, digits as indices.
    static func attributeGetter(_ attribute: Value, _ interpreter: Interpreter) -> (Value) throws(TemplateError) -> Value {
        { item throws(TemplateError) in
            guard case .string(let path) = attribute else {
                return try interpreter.item(of: item, attribute)
            }
            var current = item
            for part in path.split(separator: ".", omittingEmptySubsequences: false) {
                current = try interpreter.item(of: current, Int(part).map(Value.int) ?? .string(String(part)))
            }
            return current
        }
    }

    /// jinja2's `ignore_case` sort key.
    private static func sortKey(_ value: Value, caseSensitive: Bool) -> Value {
        if !caseSensitive, case .string(let text) = value { return .string(PythonString.lower(text)) }
        return value
    }

    private static func sorted(_ items: [Value], key: (Value) throws(TemplateError) -> Value, reverse: Bool) throws(TemplateError)
        -> [Value]
    {
        let keyed = try items.map { item throws(TemplateError) in (key: try key(item), item: item) }
        // Stable insertion-merge sort so comparison errors surface as Python's would.
        var result: [(key: Value, item: Value)] = []
        for entry in keyed {
            var position = result.count
            while position > 0 {
                let order = try pythonCompare(result[position - 1].key, entry.key)
                if reverse ? order >= 0 : order <= 0 { break }
                position -= 1
            }
            result.insert(entry, at: position)
        }
        return result.map(\.item)
    }

    private static func sort(_ value: Value, _ arguments: Arguments, _ interpreter: Interpreter) throws(TemplateError) -> [Value] {
        try arguments.check("sort", names: ["reverse", "case_sensitive", "attribute"])
        let reverse = arguments.value(0, "reverse").map(isTruthy) ?? false
        let caseSensitive = arguments.value(1, "case_sensitive").map(isTruthy) ?? false
        let getter = arguments.value(2, "attribute").map { attributeGetter($0, interpreter) }
        return try sorted(
            try interpreter.iterate(value),
            key: { item throws(TemplateError) in
                sortKey(try getter?(item) ?? item, caseSensitive: caseSensitive)
            }, reverse: reverse)
    }

    private static func dictsort(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value {
        try arguments.check("dictsort", names: ["case_sensitive", "by", "reverse"])
        guard case .dict(let dict) = value else { throw .render("dictsort() needs a mapping") }
        let caseSensitive = arguments.value(0, "case_sensitive").map(isTruthy) ?? false
        let byValue: Bool
        switch arguments.value(1, "by") {
        case nil, .string("key")?: byValue = false
        case .string("value")?: byValue = true
        default: throw .render("You can only sort by either 'key' or 'value'")
        }
        let pairs = dict.items.map { Value.tuple([$0.key, $0.value]) }
        return .list(
            try sorted(
                pairs,
                key: { pair in
                    guard case .tuple(let both) = pair else { return pair }
                    return sortKey(both[byValue ? 1 : 0], caseSensitive: caseSensitive)
                }, reverse: arguments.value(2, "reverse").map(isTruthy) ?? false))
    }

    private static func unique(_ value: Value, _ arguments: Arguments, _ interpreter: Interpreter) throws(TemplateError) -> [Value] {
        try arguments.check("unique", names: ["case_sensitive", "attribute"])
        let caseSensitive = arguments.value(0, "case_sensitive").map(isTruthy) ?? false
        let getter = arguments.value(1, "attribute").map { attributeGetter($0, interpreter) }
        var seen: [Value] = []
        var kept: [Value] = []
        for item in try interpreter.iterate(value) {
            let key = sortKey(try getter?(item) ?? item, caseSensitive: caseSensitive)
            try requireHashable(key)  // jinja2 keeps the keys seen in a set
            if !seen.contains(where: { pythonEquals($0, key) }) {
                seen.append(key)
                kept.append(item)
            }
        }
        return kept
    }

    private static func extremum(_ value: Value, _ arguments: Arguments, largest: Bool, _ interpreter: Interpreter) throws(TemplateError)
        -> Value
    {
        try arguments.check(largest ? "max" : "min", names: ["case_sensitive", "attribute"])
        let caseSensitive = arguments.value(0, "case_sensitive").map(isTruthy) ?? false
        let getter = arguments.value(1, "attribute").map { attributeGetter($0, interpreter) }
        var best: (key: Value, item: Value)?
        for item in try interpreter.iterate(value) {
            let key = sortKey(try getter?(item) ?? item, caseSensitive: caseSensitive)
            if let current = best {
                let order = try pythonCompare(key, current.key)
                if largest ? order > 0 : order < 0 { best = (key, item) }
            } else {
                best = (key, item)
            }
        }
        return best?.item ?? .undefined(Undefined(message: "no \(largest ? "max" : "min") item, sequence was empty"))
    }

    private static func map(_ value: Value, _ arguments: Arguments, _ interpreter: Interpreter) throws(TemplateError) -> [Value] {
        // jinja2 maps nothing over a false value (None included) instead of failing.
        let items = isTruthy(value) ? try interpreter.iterate(value) : []
        if arguments.positional.isEmpty, let attribute = arguments.value(0, "attribute") {
            let getter = attributeGetter(attribute, interpreter)
            let fallback = arguments.keywords.last { $0.name == "default" }?.value
            return try items.map { item throws(TemplateError) in
                let found = try getter(item)
                if case .undefined = found, let fallback { return fallback }
                return found
            }
        }
        guard case .string(let filter)? = arguments.positional.first else { throw .render("map requires a filter argument") }
        guard let resolved = Filter(rawValue: filter) else { throw .render("no filter named '\(filter)'") }
        let rest = Arguments(Array(arguments.positional.dropFirst()), keywords: arguments.keywords)
        return try items.map { item throws(TemplateError) in try apply(resolved, to: item, rest, interpreter) }
    }

    private static func select(
        _ value: Value, _ arguments: Arguments, keeping: Bool, byAttribute: Bool,
        _ interpreter: Interpreter
    ) throws(TemplateError) -> [Value] {
        var positional = arguments.positional
        var getter: ((Value) throws(TemplateError) -> Value)?
        if byAttribute {
            guard !positional.isEmpty else { throw .render("selectattr/rejectattr need an attribute") }
            getter = attributeGetter(positional.removeFirst(), interpreter)
        }
        var test: String?
        if !positional.isEmpty {
            guard case .string(let name) = positional.removeFirst() else { throw .render("the test name must be a string") }
            test = name
        }
        let testArguments = Arguments(positional, keywords: arguments.keywords)
        var kept: [Value] = []
        // jinja2 selects nothing from a false value (None included) instead of failing.
        for item in isTruthy(value) ? try interpreter.iterate(value) : [] {
            let subject = try getter?(item) ?? item
            let passed =
                try test.map { name throws(TemplateError) in try Tests.apply(name, to: subject, testArguments, interpreter) }
                ?? isTruthy(subject)
            if passed == keeping { kept.append(item) }
        }
        return kept
    }

    private static func toInt(_ value: Value, default fallback: Value, base: Value?) throws(TemplateError) -> Value {
        switch value {
        case .int: return value
        case .bool(let flag): return .int(flag ? 1 : 0)
        case .double(let number): return number.isFinite && abs(number) < 9.2e18 ? .int(Int(number)) : fallback
        case .string(let text):
            var radix = 10
            if case .int(let number)? = base { radix = number }
            let cleaned = PythonString.strip(text, nil, leading: true, trailing: true)
            if let number = Int(cleaned.filter { $0 != "_" }, radix: radix), !cleaned.hasPrefix("_"), !cleaned.hasSuffix("_"),
                !cleaned.contains("__")
            {
                return .int(number)
            }
            if case .double(let number) = try toFloat(value, default: .none) {
                return try toInt(.double(number), default: fallback, base: nil)
            }
            return fallback
        default: return fallback
        }
    }

    private static func toFloat(_ value: Value, default fallback: Value) throws(TemplateError) -> Value {
        switch value {
        case .double: return value
        case .int(let number): return .double(Double(number))
        case .bool(let flag): return .double(flag ? 1 : 0)
        case .string(let text):
            let cleaned = PythonString.strip(text, nil, leading: true, trailing: true)
            let lowered = cleaned.lowercased()
            if ["inf", "+inf", "infinity", "+infinity"].contains(lowered) { return .double(.infinity) }
            if ["-inf", "-infinity"].contains(lowered) { return .double(-.infinity) }
            if ["nan", "+nan", "-nan"].contains(lowered) { return .double(.nan) }
            guard
                cleaned.unicodeScalars.allSatisfy({
                    $0.isASCII && ($0.properties.numericType != nil || "+-.eE".unicodeScalars.contains($0))
                }),
                let number = Double(cleaned)
            else { return fallback }
            return .double(number)
        default: return fallback
        }
    }

    private static func indent(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> Value {
        try arguments.check("indent", names: ["width", "first", "blank"])
        var text = try pythonString(value)
        let indentation: String
        switch arguments.value(0, "width") {
        case nil: indentation = "    "
        case .string(let custom)?: indentation = custom
        case .int(let width)?: indentation = String(repeating: " ", count: max(width, 0))
        default: throw .render("indent() width must be a number or a string")
        }
        let first = arguments.value(1, "first").map(isTruthy) ?? false
        let blank = arguments.value(2, "blank").map(isTruthy) ?? false
        text += "\n"  // as jinja2 does, so splitlines keeps a trailing empty line
        var result: String
        if blank {
            result = PythonString.splitLines(text).joined(separator: "\n" + indentation)
        } else {
            var lines = PythonString.splitLines(text)
            result = lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
            }
        }
        if first { result = indentation + result }
        return .string(result)
    }

    /// jinja2's `title`: each word's first character upper case, the rest lower.
    private static func title(_ text: String) -> String {
        var out = ""
        var atWordStart = true
        for scalar in text.unicodeScalars {
            let isBoundary = isPythonSpace(scalar) || "-({[<".unicodeScalars.contains(scalar)
            if isBoundary {
                out.unicodeScalars.append(scalar)
                atWordStart = true
            } else if atWordStart {
                out += scalar.properties.uppercaseMapping
                atWordStart = false
            } else {
                out += scalar.properties.lowercaseMapping
            }
        }
        return out
    }
}

/// A filter's name, resolved when the template is compiled rather than matched on every application.
enum Filter: String {
    case abs, attr, capitalize, count, d, `default`, dictsort, e, escape, first, float, indent, int, items, join, last, length
    case list, lower, map, max, min, reject, rejectattr, replace, reverse, safe, select, selectattr, sort, string, sum, title
    case tojson, trim, unique, upper
}
