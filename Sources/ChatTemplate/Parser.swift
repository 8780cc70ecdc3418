/// Builds the syntax tree from tokens, following jinja2's grammar. Statements
/// live here, expressions in Parser+Expressions.swift. Anything jinja2 accepts
/// that this engine does not implement is refused here, at load time.
struct Parser {
    private(set) var tokens: [Token]
    private(set) var index = 0
    /// How many `for` loops enclose the statement being parsed (break/continue need one).
    private var loopDepth = 0
    /// How deep the tree being built is along the current path: bounded, so
    /// that parsing, checking and rendering never exhaust the stack.
    var depth = 0
    static let maximumDepth = 128

    /// One level deeper, for each operand a loop adds to a chain (`a or b or c`);
    /// the enclosing `deeper` restores `depth`.
    mutating func descend() throws(TemplateError) {
        depth += 1
        if depth > Self.maximumDepth { throw .unsupported("nesting deeper than \(Self.maximumDepth) levels", location) }
    }

    /// Runs `parse` one level deeper and restores the depth when it returns:
    /// the guard every recursive parsing function goes through.
    mutating func deeper<Result>(_ parse: (inout Parser) throws(TemplateError) -> Result) throws(TemplateError) -> Result {
        let entryDepth = depth
        defer { depth = entryDepth }
        try descend()
        return try parse(&self)
    }

    static func parse(_ tokens: [Token]) throws(TemplateError) -> [Node] {
        var parser = Parser(tokens: tokens)
        let (body, _) = try parser.parseStatements(until: [])
        try UnknownNameCheck.run(body)
        return body
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    // MARK: token stream

    var current: Token { tokens[index] }
    var location: SourceLocation { current.location }

    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    func isName(_ name: String) -> Bool { current.kind == .name(name) }
    func isOperator(_ op: String) -> Bool { current.kind == .op(op) }

    mutating func skip(name: String) -> Bool {
        guard isName(name) else { return false }
        _ = advance()
        return true
    }

    mutating func skip(op: String) -> Bool {
        guard isOperator(op) else { return false }
        _ = advance()
        return true
    }

    mutating func expect(op: String) throws(TemplateError) {
        guard skip(op: op) else { throw unexpected(expected: "'\(op)'") }
    }

    mutating func expectName() throws(TemplateError) -> String {
        guard case .name(let name) = current.kind else { throw unexpected(expected: "a name") }
        _ = advance()
        return name
    }

    mutating func expectBlockEnd() throws(TemplateError) {
        guard current.kind == .blockEnd else { throw unexpected(expected: "end of statement block") }
        _ = advance()
    }

    func unexpected(expected: String) -> TemplateError {
        .syntax("expected \(expected), got \(describe(current.kind))", location)
    }

    private func describe(_ kind: TokenKind) -> String {
        switch kind {
        case .text: "template text"
        case .variableBegin: "'{{'"
        case .variableEnd: "'}}'"
        case .blockBegin: "'{%'"
        case .blockEnd: "'%}'"
        case .name(let name): "'\(name)'"
        case .string: "a string"
        case .integer(let value): "\(value)"
        case .float(let value): "\(value)"
        case .op(let op): "'\(op)'"
        case .end: "end of template"
        }
    }

    // MARK: statements

    /// Parses nodes until a block tag named in `endTags` (consumed up to its name) or the end of the template.
    private mutating func parseStatements(until endTags: Set<String>) throws(TemplateError) -> (
        [Node], (name: String, location: SourceLocation)?
    ) {
        var body: [Node] = []
        while true {
            switch current.kind {
            case .end:
                return (body, nil)
            case .text(let text):
                _ = advance()
                body.append(.text(text))
            case .variableBegin:
                _ = advance()
                body.append(.output(try parseTuple()))
                guard current.kind == .variableEnd else { throw unexpected(expected: "'}}'") }
                _ = advance()
            case .blockBegin:
                let tagLocation = peek().location
                if case .name(let name) = peek().kind, endTags.contains(name) {
                    _ = advance(); _ = advance()
                    return (body, (name, tagLocation))
                }
                _ = advance()
                body.append(try deeper { parser throws(TemplateError) in try parser.parseStatement() })
            default:
                throw unexpected(expected: "template text or a tag")
            }
        }
    }

    /// A body closed by one of `endTags`; returns which one closed it.
    private mutating func parseBody(_ opener: String, until endTags: Set<String>) throws(TemplateError) -> ([Node], String) {
        let (body, endTag) = try parseStatements(until: endTags)
        guard let endTag else { throw .syntax("unexpected end of template: '\(opener)' is never closed", location) }
        return (body, endTag.name)
    }

    private mutating func parseStatement() throws(TemplateError) -> Node {
        let tagLocation = location
        guard case .name(let tag) = current.kind else { throw unexpected(expected: "a statement name") }
        _ = advance()
        switch tag {
        case "if": return try parseIf()
        case "for": return try parseFor(tagLocation)
        case "set": return try parseSet()
        case "macro": return try parseMacro()
        case "call": return try parseCallBlock()
        case "filter": return try parseFilterBlock()
        case "with": return try parseWith()
        case "generation":
            try expectBlockEnd()
            let (body, _) = try parseBody(tag, until: ["endgeneration"])
            try expectBlockEnd()
            return .generation(body)
        case "break", "continue":
            guard loopDepth > 0 else { throw .syntax("'\(tag)' outside of a loop", tagLocation) }
            try expectBlockEnd()
            return tag == "break" ? .breakLoop : .continueLoop
        case "include", "import", "from", "extends", "block", "autoescape", "do", "trans", "pluralize", "debug":
            throw .unsupported("the '\(tag)' statement", tagLocation)
        default:
            throw .syntax("encountered unknown tag '\(tag)'", tagLocation)
        }
    }

    private mutating func parseIf() throws(TemplateError) -> Node {
        var branches: [(condition: Expression, body: [Node])] = []
        var condition = try parseTuple(withConditional: false)
        while true {
            try expectBlockEnd()
            let (body, endTag) = try parseBody("if", until: ["elif", "else", "endif"])
            branches.append((condition, body))
            switch endTag {
            case "elif":
                condition = try parseTuple(withConditional: false)
            case "else":
                try expectBlockEnd()
                let (otherwise, _) = try parseBody("else", until: ["endif"])
                try expectBlockEnd()
                return .conditional(branches, otherwise: otherwise)
            default:
                try expectBlockEnd()
                return .conditional(branches, otherwise: [])
            }
        }
    }

    private mutating func parseFor(_ tagLocation: SourceLocation) throws(TemplateError) -> Node {
        let target = try parseAssignTarget(endNames: ["in"], allowsNamespace: false)
        guard skip(name: "in") else { throw unexpected(expected: "'in'") }
        let iterable = try parseTuple(withConditional: false, endNames: ["recursive"])
        var filter: Expression?
        if skip(name: "if") { filter = try parseExpression() }
        if isName("recursive") { throw .unsupported("recursive loops", location) }
        try expectBlockEnd()
        loopDepth += 1
        let (body, endTag) = try parseBody("for", until: ["endfor", "else"])
        loopDepth -= 1
        try expectBlockEnd()
        var otherwise: [Node] = []
        if endTag == "else" {
            (otherwise, _) = try parseBody("for", until: ["endfor"])
            try expectBlockEnd()
        }
        return .loop(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise, tagLocation)
    }

    private mutating func parseSet() throws(TemplateError) -> Node {
        let target = try parseAssignTarget(endNames: [], allowsNamespace: true)
        if skip(op: "=") {
            let value = try parseTuple()
            try expectBlockEnd()
            return .set(target, value)
        }
        let filters = try isOperator("|") ? parseFilterChain(startsInline: false) : []
        try expectBlockEnd()
        let (body, _) = try parseBody("set", until: ["endset"])
        try expectBlockEnd()
        return .setBlock(target, filters: filters, body: body)
    }

    private mutating func parseMacro() throws(TemplateError) -> Node {
        let name = try expectName()
        let parameters = try parseSignature()
        try expectBlockEnd()
        let outerLoops = loopDepth
        loopDepth = 0
        let (body, _) = try parseBody("macro", until: ["endmacro"])
        loopDepth = outerLoops
        try expectBlockEnd()
        return .macro(MacroDefinition(name: name, parameters: parameters, body: body))
    }

    private mutating func parseSignature() throws(TemplateError) -> [(name: String, defaultValue: Expression?)] {
        var parameters: [(name: String, defaultValue: Expression?)] = []
        try expect(op: "(")
        while !isOperator(")") {
            if !parameters.isEmpty { try expect(op: ",") }
            let parameterLocation = location
            let name = try expectName()
            if name == "caller" || name == "varargs" || name == "kwargs" {
                throw .unsupported("a macro parameter named '\(name)'", parameterLocation)
            }
            let defaultValue = try skip(op: "=") ? parseExpression() : nil
            if defaultValue == nil, parameters.last?.defaultValue != nil {
                throw .syntax("non-default argument follows default argument", parameterLocation)
            }
            parameters.append((name, defaultValue))
        }
        _ = advance()
        return parameters
    }

    private mutating func parseCallBlock() throws(TemplateError) -> Node {
        let parameters = try isOperator("(") ? parseSignature() : []
        let callLocation = location
        let call = try parseExpression()
        guard case .call = call else { throw .syntax("expected a call", callLocation) }
        try expectBlockEnd()
        let (body, _) = try parseBody("call", until: ["endcall"])
        try expectBlockEnd()
        return .callBlock(call, callerParameters: parameters, body: body)
    }

    private mutating func parseFilterBlock() throws(TemplateError) -> Node {
        let filters = try parseFilterChain(startsInline: true)
        try expectBlockEnd()
        let (body, _) = try parseBody("filter", until: ["endfilter"])
        try expectBlockEnd()
        return .filterBlock(filters, body: body)
    }

    private mutating func parseWith() throws(TemplateError) -> Node {
        var assignments: [(AssignmentTarget, Expression)] = []
        while current.kind != .blockEnd {
            if !assignments.isEmpty { try expect(op: ",") }
            let target = try parseAssignTarget(endNames: [], allowsNamespace: false)
            try expect(op: "=")
            assignments.append((target, try parseExpression()))
        }
        try expectBlockEnd()
        let (body, _) = try parseBody("with", until: ["endwith"])
        try expectBlockEnd()
        return .with(assignments, body: body)
    }

    /// `x`, `a, b`, `(a, b)` or, for `set`, `ns.attribute`.
    private mutating func parseAssignTarget(endNames: Set<String>, allowsNamespace: Bool) throws(TemplateError) -> AssignmentTarget {
        let targetLocation = location
        if allowsNamespace, case .name(let namespace) = current.kind, peek().kind == .op(".") {
            _ = advance(); _ = advance()
            return .namespaceAttribute(namespace, try expectName(), targetLocation)
        }
        var names: [AssignmentTarget] = []
        var isTuple = false
        let parenthesised = skip(op: "(")
        while true {
            if !names.isEmpty { try expect(op: ",") }
            if current.kind == .blockEnd || isOperator(")") || isOperator("=") { break }
            if case .name(let name) = current.kind, endNames.contains(name) { break }
            let nameLocation = location
            let name = try expectName()
            if ["true", "false", "none", "True", "False", "None"].contains(name) {
                throw .syntax("cannot assign to '\(name)'", nameLocation)
            }
            names.append(.name(Name(name)))
            if isOperator(",") { isTuple = true } else { break }
        }
        if parenthesised { try expect(op: ")"); isTuple = isTuple || names.count != 1 }
        guard !names.isEmpty else { throw .syntax("expected a name to assign to", targetLocation) }
        return isTuple ? .tuple(names) : names[0]
    }
}
