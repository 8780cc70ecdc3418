/// Python's `str()` and `repr()` of template values, which is what `{{ }}`
/// prints: `None`, `True`, `[1, 'a']`, `{'k': 2.0}`.

func pythonString(_ value: Value) throws(TemplateError) -> String {
    switch value {
    case .undefined: return ""
    case .string(let text), .markup(let text): return text
    default: return try pythonRepr(value)
    }
}

/// `namespaces` are those whose repr is being written around this one, `depth`
/// how many values are: a namespace can hold itself, or a chain of namespaces
/// built in a loop (which `ValueNesting` does not bound), so as Python's, the
/// repr of one inside itself is `{...}` and one nested too deep is an error.
func pythonRepr(_ value: Value, inside namespaces: [ObjectIdentifier] = [], depth: Int = 0) throws(TemplateError) -> String {
    if depth > maximumReprDepth { throw .render("maximum recursion depth exceeded while getting the repr of an object") }
    let depth = depth + 1
    switch value {
    case .undefined: return "Undefined"  // `str` of one is empty, its `repr` (inside a list, say) is not
    case .none: return "None"
    case .bool(let flag): return flag ? "True" : "False"
    case .int(let number): return String(number)
    case .double(let number): return pythonFloatRepr(number)
    case .string(let text): return pythonStringRepr(text)
    case .markup(let text): return "Markup(\(pythonStringRepr(text)))"
    case .iterator(let lazy):
        guard let items = lazy.viewItems, case .view(let name) = lazy.kind else {
            throw .render("cannot print a generator object")  // Python prints its memory address
        }
        return "\(name)(" + (try pythonRepr(.list(items), inside: namespaces, depth: depth)) + ")"
    case .list(let items):
        return "["
            + (try items.map { item throws(TemplateError) in try pythonRepr(item, inside: namespaces, depth: depth) }).joined(
                separator: ", ") + "]"
    case .tuple(let items):
        let inner = try items.map { item throws(TemplateError) in try pythonRepr(item, inside: namespaces, depth: depth) }.joined(
            separator: ", ")
        return items.count == 1 ? "(\(inner),)" : "(\(inner))"
    case .dict(let dict):
        var parts: [String] = []
        for (key, item) in dict.items {
            parts.append(try pythonRepr(key, inside: namespaces, depth: depth) + ": " + pythonRepr(item, inside: namespaces, depth: depth))
        }
        return "{" + parts.joined(separator: ", ") + "}"
    case .namespace(let namespace):
        let identity = ObjectIdentifier(namespace)
        if namespaces.contains(identity) { return "<Namespace {...}>" }
        return "<Namespace " + (try pythonRepr(.dict(namespace.attributes), inside: namespaces + [identity], depth: depth)) + ">"
    case .request(let reference): return try pythonRepr(reference.converted, inside: namespaces, depth: depth)
    case .function, .loop:
        // Python prints these with memory addresses: no byte-exact rendering exists.
        throw .render("cannot print a \(typeName(value)) object")
    }
}

/// Python's recursion limit, near enough: above what `ValueNesting` and the JSON reader let a value nest.
private let maximumReprDepth = 1_100

/// `repr(float)`: the shortest digits that read back exactly, fixed notation
/// for exponents -4 ..< 16, scientific otherwise.
func pythonFloatRepr(_ number: Double) -> String {
    if number.isNaN { return "nan" }
    if number.isInfinite { return number < 0 ? "-inf" : "inf" }
    if number == 0 { return number.sign == .minus ? "-0.0" : "0.0" }
    // Swift's description holds the shortest round-tripping digits; re-lay them out Python's way.
    var text = Swift.abs(number).description
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...])!
        text = String(text[..<e])
    }
    var digits = text.filter { $0 != "." }
    let pointPosition = (text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? text.count) + exponent
    let leadingZeros = digits.prefix { $0 == "0" }.count
    digits.removeFirst(leadingZeros)
    var decimalPoint = pointPosition - leadingZeros
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    if digits.isEmpty { digits = "0"; decimalPoint = 1 }
    let sign = number < 0 ? "-" : ""
    if decimalPoint > 16 || decimalPoint <= -4 {
        let mantissa = digits.count == 1 ? digits : "\(digits.first!).\(digits.dropFirst())"
        let power = decimalPoint - 1
        let powerText = power < 0 ? "-" + (abs(power) < 10 ? "0" : "") + String(abs(power)) : "+" + (power < 10 ? "0" : "") + String(power)
        return "\(sign)\(mantissa)e\(powerText)"
    }
    if decimalPoint <= 0 { return "\(sign)0.\(String(repeating: "0", count: -decimalPoint))\(digits)" }
    if decimalPoint >= digits.count { return "\(sign)\(digits)\(String(repeating: "0", count: decimalPoint - digits.count)).0" }
    let split = digits.index(digits.startIndex, offsetBy: decimalPoint)
    return "\(sign)\(digits[..<split]).\(digits[split...])"
}

/// `repr(str)`: single quotes unless the text holds one and no double quote;
/// backslash escapes for quotes, control and non-printable characters.
func pythonStringRepr(_ text: String) -> String {
    let quote: Unicode.Scalar = text.unicodeScalars.contains("'") && !text.unicodeScalars.contains("\"") ? "\"" : "'"
    var out = String.UnicodeScalarView()
    out.append(quote)
    for scalar in text.unicodeScalars {
        switch scalar {
        case quote, "\\": out.append("\\"); out.append(scalar)
        case "\n": out.append(contentsOf: "\\n".unicodeScalars)
        case "\r": out.append(contentsOf: "\\r".unicodeScalars)
        case "\t": out.append(contentsOf: "\\t".unicodeScalars)
        default:
            if isPythonPrintable(scalar) {
                out.append(scalar)
            } else {
                let hex = String(scalar.value, radix: 16)
                let (prefix, width) = scalar.value <= 0xFF ? ("\\x", 2) : scalar.value <= 0xFFFF ? ("\\u", 4) : ("\\U", 8)
                out.append(contentsOf: (prefix + String(repeating: "0", count: width - hex.count) + hex).unicodeScalars)
            }
        }
    }
    out.append(quote)
    return String(out)
}

/// Python's `str.isprintable()` for one character.
private func isPythonPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator: return false
    default: return true
    }
}
