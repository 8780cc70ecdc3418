/// Splits a template into tokens the way jinja2's lexer does with
/// `trim_blocks` and `lstrip_blocks` on, as transformers configures it:
/// newlines normalised to "\n", one trailing newline dropped, `{%-`/`-%}`
/// stripping, `{%+`/`+%}` opting out, `{% raw %}` passed through.
struct Lexer {
    private let source: [Unicode.Scalar]
    private var position = 0
    private var tokens: [Token] = []
    /// jinja2's `line_starting`: the last thing consumed ended a line.
    private var lineStarting = true
    private var lines = LineCounter()

    static func tokenize(_ text: String) throws(TemplateError) -> [Token] {
        var lexer = Lexer(source: normalizedNewlines(text))
        try lexer.run()
        return lexer.tokens
    }

    private init(source: [Unicode.Scalar]) { self.source = source }

    private static func normalizedNewlines(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" { out.append("\n"); previousWasCR = true; continue }
            if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
            previousWasCR = false
            out.append(scalar)
        }
        if out.last == "\n" { out.removeLast() }
        return out
    }

    // MARK: template level

    private mutating func run() throws(TemplateError) {
        while position < source.count {
            guard let start = nextTagStart() else {
                emitText(position..<source.count)
                break
            }
            let kind = source[start + 1]
            let sign = start + 2 < source.count && (source[start + 2] == "-" || source[start + 2] == "+") ? source[start + 2] : nil
            let bodyStart = start + 2 + (sign == nil ? 0 : 1)
            let rawEnd = kind == "%" ? rawTagEnd(from: bodyStart, name: "raw").flatMap { $0.sign == "+" ? nil : $0 } : nil
            var textEnd = start
            if sign == "-" {
                while textEnd > position && isPythonSpace(source[textEnd - 1]) { textEnd -= 1 }
            } else if sign == nil && kind != "{" {
                textEnd = lstripped(position..<start)
            }
            emitText(position..<textEnd)
            let location = lines.location(of: start, in: source)
            if let rawEnd {
                position = rawEnd.end
                finishTag(closingSign: rawEnd.sign, trimsNewline: false)
                try lexRaw(from: position, location: location)
            } else if kind == "#" {
                try skipComment(from: bodyStart, location: location)
            } else {
                tokens.append(Token(kind: kind == "%" ? .blockBegin : .variableBegin, location: location))
                position = bodyStart
                lineStarting = false
                try lexTag(isBlock: kind == "%")
            }
        }
        tokens.append(Token(kind: .end, location: lines.location(of: source.count, in: source)))
    }

    private func nextTagStart() -> Int? {
        var index = position
        while index + 1 < source.count {
            if source[index] == "{" {
                let next = source[index + 1]
                if next == "{" || next == "%" || next == "#" { return index }
            }
            index += 1
        }
        return nil
    }

    /// `lstrip_blocks`: drops the spaces between a line start and a block or comment tag.
    private func lstripped(_ range: Range<Int>) -> Int {
        var lineStart = range.upperBound
        while lineStart > range.lowerBound && source[lineStart - 1] != "\n" { lineStart -= 1 }
        guard lineStart > range.lowerBound || lineStarting else { return range.upperBound }
        guard lineStart < range.upperBound, source[lineStart..<range.upperBound].allSatisfy(isPythonSpace) else {
            return range.upperBound
        }
        return lineStart
    }

    private mutating func emitText(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: source[range])
        tokens.append(Token(kind: .text(String(text)), location: lines.location(of: range.lowerBound, in: source)))
    }

    /// If a `{% name %}` tag (raw or endraw) starts its body at `from`, where the tag ends and its closing sign.
    private func rawTagEnd(from start: Int, name: String) -> (end: Int, sign: Unicode.Scalar?)? {
        var index = start
        while index < source.count && isPythonSpace(source[index]) { index += 1 }
        for scalar in name.unicodeScalars {
            guard index < source.count, source[index] == scalar else { return nil }
            index += 1
        }
        while index < source.count && isPythonSpace(source[index]) { index += 1 }
        if matches("%}", at: index) { return (index + 2, nil) }
        if (index < source.count) && (source[index] == "-" || source[index] == "+") && matches("%}", at: index + 1) {
            return (index + 3, source[index])
        }
        return nil
    }

    private func matches(_ literal: String, at index: Int) -> Bool {
        var at = index
        for scalar in literal.unicodeScalars {
            guard at < source.count, source[at] == scalar else { return false }
            at += 1
        }
        return true
    }

    /// After `{% raw %}`: everything up to `{% endraw %}` is text.
    private mutating func lexRaw(from start: Int, location: SourceLocation) throws(TemplateError) {
        position = start
        var index = start
        while index + 1 < source.count {
            if source[index] == "{" && source[index + 1] == "%" {
                let sign = index + 2 < source.count && (source[index + 2] == "-" || source[index + 2] == "+") ? source[index + 2] : nil
                if let close = rawTagEnd(from: index + 2 + (sign == nil ? 0 : 1), name: "endraw") {
                    var textEnd = index
                    if sign == "-" {
                        while textEnd > start && isPythonSpace(source[textEnd - 1]) { textEnd -= 1 }
                    } else if sign == nil {
                        textEnd = lstripped(start..<index)
                    }
                    emitText(start..<textEnd)
                    position = close.end
                    finishTag(closingSign: close.sign, trimsNewline: true)
                    return
                }
            }
            index += 1
        }
        throw .syntax("missing end of raw directive", location)
    }

    private mutating func skipComment(from start: Int, location: SourceLocation) throws(TemplateError) {
        var index = start
        while index < source.count {
            if source[index] == "+" || source[index] == "-", matches("#}", at: index + 1) {
                position = index + 3
                finishTag(closingSign: source[index], trimsNewline: true)
                return
            }
            if matches("#}", at: index) {
                position = index + 2
                finishTag(closingSign: nil, trimsNewline: true)
                return
            }
            index += 1
        }
        throw .syntax("missing end of comment tag", location)
    }

    /// Whitespace control after a closing `%}`, `}}` or `#}`.
    private mutating func finishTag(closingSign: Unicode.Scalar?, trimsNewline: Bool) {
        let tagEnd = position
        if closingSign == "-" {
            while position < source.count && isPythonSpace(source[position]) { position += 1 }
        } else if closingSign == nil && trimsNewline && position < source.count && source[position] == "\n" {
            position += 1
        }
        // jinja2 looks at the last character its rule consumed, the closing brace included.
        lineStarting = position > tagEnd ? source[position - 1] == "\n" : false
    }

    // MARK: inside a tag

    private mutating func lexTag(isBlock: Bool) throws(TemplateError) {
        var open: [Unicode.Scalar] = []
        let closer: Unicode.Scalar = isBlock ? "%" : "}"
        while true {
            guard position < source.count else {
                throw .syntax("unexpected end of template, expected '\(isBlock ? "%}" : "}}")'", lines.location(of: position, in: source))
            }
            let location = lines.location(of: position, in: source)
            if open.isEmpty {
                var sign: Unicode.Scalar?
                var at = position
                if isBlock && (source[at] == "-" || source[at] == "+") {
                    sign = source[at]; at += 1
                } else if !isBlock && source[at] == "-" {
                    sign = "-"; at += 1
                }
                if at + 1 < source.count && source[at] == closer && source[at + 1] == "}" {
                    tokens.append(Token(kind: isBlock ? .blockEnd : .variableEnd, location: location))
                    position = at + 2
                    finishTag(closingSign: sign, trimsNewline: isBlock)
                    return
                }
            }
            let scalar = source[position]
            if isPythonSpace(scalar) {
                position += 1
            } else if isDigit(scalar) {
                tokens.append(Token(kind: try lexNumber(location), location: location))
            } else if scalar == "_" || scalar.properties.isXIDStart {
                let start = position
                while position < source.count && (source[position] == "_" || source[position].properties.isXIDContinue) { position += 1 }
                var name = String.UnicodeScalarView()
                name.append(contentsOf: source[start..<position])
                tokens.append(Token(kind: .name(String(name)), location: location))
            } else if scalar == "'" || scalar == "\"" {
                tokens.append(Token(kind: .string(try lexString(location)), location: location))
            } else {
                let op = try lexOperator(location)
                switch op {
                case "(", "[", "{": open.append(op == "(" ? ")" : op == "[" ? "]" : "}")
                case ")", "]", "}":
                    guard let expected = open.popLast() else { throw .syntax("unexpected '\(op)'", location) }
                    guard expected.description == op else { throw .syntax("unexpected '\(op)', expected '\(expected)'", location) }
                default: break
                }
                tokens.append(Token(kind: .op(op), location: location))
            }
        }
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    private mutating func lexNumber(_ location: SourceLocation) throws(TemplateError) -> TokenKind {
        let start = position
        func digits() { while position < source.count && (isDigit(source[position]) || source[position] == "_") { position += 1 } }
        digits()
        var isFloat = false
        if position + 1 < source.count && source[position] == "." && isDigit(source[position + 1]) {
            isFloat = true
            position += 1
            digits()
        }
        if position < source.count && (source[position] == "e" || source[position] == "E") {
            var at = position + 1
            if at < source.count && (source[at] == "+" || source[at] == "-") { at += 1 }
            if at < source.count && isDigit(source[at]) {
                isFloat = true
                position = at
                digits()
            }
        }
        if position < source.count
            && (source[position] == "x" || source[position] == "o" || source[position] == "b" || source[position] == "X")
        {
            throw .unsupported("non-decimal integer literal", location)
        }
        let text = String(String.UnicodeScalarView(source[start..<position])).filter { $0 != "_" }
        if isFloat, let value = Double(text) { return .float(value) }
        if let value = Int(text) { return .integer(value) }
        throw .unsupported("number literal '\(text)' out of range", location)
    }

    private mutating func lexString(_ location: SourceLocation) throws(TemplateError) -> String {
        let quote = source[position]
        position += 1
        var out = String.UnicodeScalarView()
        while true {
            guard position < source.count else { throw .syntax("unterminated string", location) }
            let scalar = source[position]
            position += 1
            if scalar == quote { return String(out) }
            if scalar != "\\" { out.append(scalar); continue }
            guard position < source.count else { throw .syntax("unterminated string", location) }
            let escaped = source[position]
            position += 1
            switch escaped {
            case "\n": break
            case "\\", "'", "\"": out.append(escaped)
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                var value = escaped.value - 0x30
                var count = 1
                while count < 3, position < source.count, source[position] >= "0", source[position] <= "7" {
                    value = value * 8 + source[position].value - 0x30
                    position += 1
                    count += 1
                }
                out.append(Unicode.Scalar(value)!)
            case "x", "u", "U":
                let width = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
                guard position + width <= source.count,
                    let value = UInt32(String(String.UnicodeScalarView(source[position..<position + width])), radix: 16),
                    let decoded = Unicode.Scalar(value)
                else {
                    throw .syntax("invalid \\\(escaped) escape in string", location)
                }
                out.append(decoded)
                position += width
            default:
                // Python keeps unknown escapes; a non-ASCII one decodes differently there.
                guard escaped.isASCII, escaped != "N" else { throw .unsupported("escape '\\\(escaped)' in a string", location) }
                out.append("\\")
                out.append(escaped)
            }
        }
    }

    private static let operators = [
        "//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")",
        "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
    ]

    private mutating func lexOperator(_ location: SourceLocation) throws(TemplateError) -> String {
        for op in Self.operators where matches(op, at: position) {
            position += op.unicodeScalars.count
            return op
        }
        throw .syntax("unexpected character '\(source[position].escaped(asASCII: true))'", location)
    }
}

/// Turns scalar offsets into line and column, scanning forward only once.
private struct LineCounter {
    private var scanned = 0
    private var line = 1
    private var lineStart = 0

    mutating func location(of offset: Int, in source: [Unicode.Scalar]) -> SourceLocation {
        if offset < scanned {  // rare: a step back within the current tag
            scanned = 0; line = 1; lineStart = 0
        }
        while scanned < offset && scanned < source.count {
            if source[scanned] == "\n" { line += 1; lineStart = scanned + 1 }
            scanned += 1
        }
        return SourceLocation(line: line, column: offset - lineStart + 1)
    }
}
