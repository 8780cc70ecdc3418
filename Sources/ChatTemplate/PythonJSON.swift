import JSON

/// transformers' `tojson` filter: Python's `json.dumps(x, ensure_ascii=False,
/// indent=None, separators=None, sort_keys=False)`, byte for byte.
enum PythonJSON {
    private struct Options {
        var ensureASCII = false
        var indent: String?
        var itemSeparator = ", "
        var keySeparator = ": "
        var sortKeys = false
    }

    static func dumps(_ value: Value, _ arguments: Arguments) throws(TemplateError) -> String {
        let out = RenderOutput(capacity: 256)  // a tool call's arguments or a tool's schema, mostly, without regrowing
        try write(value, arguments, to: out)
        return out.text
    }

    /// `dumps` appended to `out`: how `{{ x | tojson }}` writes straight into the rendering.
    static func write(_ value: Value, _ arguments: Arguments, to out: RenderOutput) throws(TemplateError) {
        // Nearly always called without arguments: then there is nothing to check or read.
        let isPlain = arguments.positional.isEmpty && arguments.keywords.isEmpty
        try write(value, isPlain ? Options() : options(arguments), level: 0, to: out)
    }

    private static func options(_ arguments: Arguments) throws(TemplateError) -> Options {
        try arguments.check("tojson", names: ["ensure_ascii", "indent", "separators", "sort_keys"])
        var options = Options()
        options.ensureASCII = arguments.value(0, "ensure_ascii").map(isTruthy) ?? false
        switch arguments.value(1, "indent") {
        case nil, .none?: break
        case .int(let width)?: options.indent = String(repeating: " ", count: max(width, 0))
        case .bool(let flag)?: options.indent = flag ? " " : ""  // Python's bool is the integer 1 or 0
        case .string(let text)?: options.indent = text
        default: throw .render("tojson indent must be an integer or a string")
        }
        if options.indent != nil { options.itemSeparator = "," }
        switch arguments.value(2, "separators") {
        case nil, .none?: break
        case .list(let pair)?, .tuple(let pair)?:
            guard pair.count == 2, case .string(let item) = pair[0], case .string(let key) = pair[1] else {
                throw .render("tojson separators must be two strings")
            }
            (options.itemSeparator, options.keySeparator) = (item, key)
        default: throw .render("tojson separators must be two strings")
        }
        options.sortKeys = arguments.value(3, "sort_keys").map(isTruthy) ?? false
        return options
    }

    private static func write(_ value: Value, _ options: Options, level: Int, to out: RenderOutput) throws(TemplateError) {
        switch value {
        case .none: out.append("null")
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .int(let number): out.append(String(number))
        case .double(let number):
            out.append(number.isNaN ? "NaN" : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : pythonFloatRepr(number))
        case .string(let text), .markup(let text): writeString(text, ensureASCII: options.ensureASCII, to: out)
        case .list(let items), .tuple(let items):
            try writeArray(items.count, options, level: level, to: out) { (offset) throws(TemplateError) in
                try write(items[offset], options, level: level + 1, to: out)
            }
        case .request(let reference):
            try write(reference, options, level: level, to: out)
        case .dict(let dict):
            var pairs: [(key: String, value: Value)] = []
            pairs.reserveCapacity(dict.count)
            for (key, item) in dict.items { pairs.append((try keyText(key), item)) }
            if options.sortKeys {
                for key in dict.keys {
                    guard case .string = key else { throw .render("'<' not supported between instances of keys in sort_keys") }
                }
                pairs.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            }
            try writeObject(pairs.count, options, level: level, to: out, key: { pairs[$0].key }) { (position) throws(TemplateError) in
                try write(pairs[position].value, options, level: level + 1, to: out)
            }
        case .undefined, .namespace, .function, .loop, .iterator:
            throw .render("Object of type \(typeName(value)) is not JSON serializable")
        }
    }

    /// A list or dict of the request, written from its store: converting it
    /// into values first was most of `tojson`'s time. A dict whose keys repeat
    /// goes through its conversion, which settles them as `json.loads` does.
    private static func write(_ reference: RequestReference, _ options: Options, level: Int, to out: RenderOutput) throws(TemplateError) {
        if !reference.isDict {
            let elements = reference.elements
            try writeArray(elements.count, options, level: level, to: out) { (offset) throws(TemplateError) in
                try write(elements[offset], options, level: level + 1, to: out)
            }
        } else if !options.sortKeys, let members = reference.distinctMembers {
            let store = reference.store
            try writeObject(members.count, options, level: level, to: out, key: { store.key(of: members.lowerBound + $0) }) {
                (position) throws(TemplateError) in
                try write(store.value(at: store.members[members.lowerBound + position].value), options, level: level + 1, to: out)
            }
        } else {
            try write(reference.converted, options, level: level, to: out)
        }
    }

    /// `[...]` of `count` items, each written by `item`, with the options'
    /// separator and indentation: one spelling for values and request JSON.
    private static func writeArray(
        _ count: Int, _ options: Options, level: Int, to out: RenderOutput, item: (Int) throws(TemplateError) -> Void
    ) throws(TemplateError) {
        guard count > 0 else { out.append("[]"); return }
        out.append(UInt8(ascii: "["))
        for offset in 0..<count {
            if offset > 0 { out.append(options.itemSeparator) }
            newline(options, level + 1, to: out)
            try item(offset)
        }
        newline(options, level, to: out)
        out.append(UInt8(ascii: "]"))
    }

    /// `{...}` of `count` members, named by `key` and written by `value`.
    private static func writeObject(
        _ count: Int, _ options: Options, level: Int, to out: RenderOutput, key: (Int) -> String,
        value: (Int) throws(TemplateError) -> Void
    ) throws(TemplateError) {
        guard count > 0 else { out.append("{}"); return }
        out.append(UInt8(ascii: "{"))
        for position in 0..<count {
            if position > 0 { out.append(options.itemSeparator) }
            newline(options, level + 1, to: out)
            writeString(key(position), ensureASCII: options.ensureASCII, to: out)
            out.append(options.keySeparator)
            try value(position)
        }
        newline(options, level, to: out)
        out.append(UInt8(ascii: "}"))
    }

    private static func newline(_ options: Options, _ level: Int, to out: RenderOutput) {
        guard let indent = options.indent else { return }
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<level { out.append(indent) }
    }

    private static func keyText(_ key: Value) throws(TemplateError) -> String {
        switch key {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .none: return "null"
        case .int(let number): return String(number)
        case .double(let number): return pythonFloatRepr(number)
        default: throw .render("keys must be str, int, float, bool or None, not \(typeName(key))")
        }
    }

    private static func writeString(_ text: String, ensureASCII: Bool, to out: RenderOutput) {
        out.append(UInt8(ascii: "\""))
        if !ensureASCII {
            // Only ASCII bytes are ever escaped, so the UTF-8 is copied as is: whole when
            // nothing needs escaping (the usual case), else byte by byte.
            let needsEscape = { (byte: UInt8) in byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }
            var text = text
            text.withUTF8 { bytes in
                if !bytes.contains(where: needsEscape) {
                    out.append(bytes)
                } else {
                    for byte in bytes {
                        if needsEscape(byte) { writeEscape(Unicode.Scalar(byte), to: out) } else { out.append(byte) }
                    }
                }
            }
        } else {
            for scalar in text.unicodeScalars {
                if scalar.value >= 0x20 && scalar.value <= 0x7E && scalar != "\"" && scalar != "\\" {
                    out.append(UInt8(scalar.value))
                } else if scalar.value > 0xFFFF {
                    let offset = scalar.value - 0x10000
                    out.append(unicodeEscape(0xD800 + (offset >> 10)) + unicodeEscape(0xDC00 + (offset & 0x3FF)))
                } else {
                    writeEscape(scalar, to: out)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func writeEscape(_ scalar: Unicode.Scalar, to out: RenderOutput) {
        switch scalar {
        case "\"": out.append("\\\"")
        case "\\": out.append("\\\\")
        case "\n": out.append("\\n")
        case "\r": out.append("\\r")
        case "\t": out.append("\\t")
        case "\u{08}": out.append("\\b")
        case "\u{0C}": out.append("\\f")
        default: out.append(unicodeEscape(scalar.value))
        }
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
