/// jinja2's expression grammar, lowest precedence first: conditional, `or`,
/// `and`, `not`, comparisons, `+ -`, `~`, `* / // %`, `**`, unary minus,
/// then primaries with their `.attr`, `[item]`, calls, `|filters` and `is tests`.
extension Parser {
    /// Expressions separated by commas: one expression, or a tuple.
    mutating func parseTuple(withConditional: Bool = true, endNames: Set<String> = []) throws(TemplateError) -> Expression {
        var items: [Expression] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expect(op: ",") }
            if isTupleEnd(endNames) { break }
            items.append(try withConditional ? parseExpression() : parseOr())
            if isOperator(",") { isTuple = true } else { break }
        }
        if !isTuple {
            guard let only = items.first else { throw unexpected(expected: "an expression") }
            return only
        }
        return .tuple(items)
    }

    private func isTupleEnd(_ endNames: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .op(")"): true
        case .name(let name): endNames.contains(name)
        default: false
        }
    }

    mutating func parseExpression() throws(TemplateError) -> Expression {
        try deeper { parser throws(TemplateError) in
            var expression = try parser.parseOr()
            while parser.skip(name: "if") {
                try parser.descend()
                let condition = try parser.parseOr()
                let otherwise = try parser.skip(name: "else") ? parser.parseExpression() : nil
                expression = .conditional(then: expression, condition: condition, otherwise: otherwise)
            }
            return expression
        }
    }

    private mutating func parseOr() throws(TemplateError) -> Expression {
        try deeper { parser throws(TemplateError) in
            var left = try parser.parseAnd()
            while parser.skip(name: "or") { try parser.descend(); left = .or(left, try parser.parseAnd()) }
            return left
        }
    }

    private mutating func parseAnd() throws(TemplateError) -> Expression {
        try deeper { parser throws(TemplateError) in
            var left = try parser.parseNot()
            while parser.skip(name: "and") { try parser.descend(); left = .and(left, try parser.parseNot()) }
            return left
        }
    }

    private mutating func parseNot() throws(TemplateError) -> Expression {
        try deeper { parser throws(TemplateError) in
            if parser.skip(name: "not") { return .not(try parser.parseNot()) }
            return try parser.parseCompare()
        }
    }

    private mutating func parseCompare() throws(TemplateError) -> Expression {
        let start = location
        let first = try parseAdditive()
        var operations: [(ComparisonOperator, Expression)] = []
        while true {
            if case .op(let op) = current.kind, let comparison = ComparisonOperator(rawValue: op), comparison != .isIn {
                _ = advance()
                operations.append((comparison, try parseAdditive()))
            } else if skip(name: "in") {
                operations.append((.isIn, try parseAdditive()))
            } else if isName("not"), peek().kind == .name("in") {
                _ = advance(); _ = advance()
                operations.append((.notIn, try parseAdditive()))
            } else {
                break
            }
        }
        return operations.isEmpty ? first : .compare(first, operations, start)
    }

    private mutating func parseAdditive() throws(TemplateError) -> Expression {
        try parseOperators([.add, .subtract]) { parser throws(TemplateError) in try parser.parseConcat() }
    }

    private mutating func parseConcat() throws(TemplateError) -> Expression {
        try parseOperators([.concat]) { parser throws(TemplateError) in try parser.parseMultiplicative() }
    }

    private mutating func parseMultiplicative() throws(TemplateError) -> Expression {
        try parseOperators([.multiply, .divide, .floorDivide, .modulo]) { parser throws(TemplateError) in try parser.parsePower() }
    }

    private mutating func parsePower() throws(TemplateError) -> Expression {
        try parseOperators([.power]) { parser throws(TemplateError) in try parser.parseUnary() }
    }

    /// One level of left-associative binary operators, `operand (op operand)*`,
    /// the operands parsed by the next level down.
    private mutating func parseOperators(
        _ operators: [BinaryOperator], operand: (inout Parser) throws(TemplateError) -> Expression
    ) throws(TemplateError) -> Expression {
        try deeper { parser throws(TemplateError) in
            var left = try operand(&parser)
            while case .op(let spelling) = parser.current.kind, let op = BinaryOperator(rawValue: spelling), operators.contains(op) {
                let opLocation = parser.advance().location
                try parser.descend()
                left = .binary(op, left, try operand(&parser), opLocation)
            }
            return left
        }
    }

    private mutating func parseUnary(withFilters: Bool = true) throws(TemplateError) -> Expression {
        try deeper { parser throws(TemplateError) in
            var node: Expression
            if parser.skip(op: "-") {
                node = .negate(try parser.parseUnary(withFilters: false))
            } else if parser.skip(op: "+") {
                node = .plus(try parser.parseUnary(withFilters: false))
            } else {
                node = try parser.parsePrimary()
            }
            node = try parser.parsePostfix(node)
            if withFilters { node = try parser.parseFilterExpression(node) }
            return node
        }
    }

    private mutating func parsePrimary() throws(TemplateError) -> Expression {
        let start = location
        switch current.kind {
        case .name(let name):
            _ = advance()
            switch name {
            case "true", "True": return .constant(.bool(true))
            case "false", "False": return .constant(.bool(false))
            case "none", "None": return .constant(.none)
            case "varargs", "kwargs", "cycler", "joiner", "lipsum", "self", "super":
                throw .unsupported("the name '\(name)'", start)
            default: return .name(Name(name), start)
            }
        case .string(var text):
            _ = advance()
            while case .string(let next) = current.kind {
                text += next
                _ = advance()
            }
            return .constant(.string(text))
        case .integer(let value):
            _ = advance()
            return .constant(.int(value))
        case .float(let value):
            _ = advance()
            return .constant(.double(value))
        case .op("("):
            _ = advance()
            if skip(op: ")") { return .tuple([]) }
            let inner = try parseTuple()
            try expect(op: ")")
            return inner
        case .op("["):
            _ = advance()
            var items: [Expression] = []
            while !isOperator("]") {
                if !items.isEmpty { try expect(op: ",") }
                if isOperator("]") { break }
                items.append(try parseExpression())
            }
            _ = advance()
            return .list(items)
        case .op("{"):
            _ = advance()
            var items: [(key: Expression, value: Expression)] = []
            while !isOperator("}") {
                if !items.isEmpty { try expect(op: ",") }
                if isOperator("}") { break }
                let key = try parseExpression()
                try expect(op: ":")
                items.append((key, try parseExpression()))
            }
            _ = advance()
            return .dict(items)
        default:
            throw unexpected(expected: "an expression")
        }
    }

    private mutating func parsePostfix(_ start: Expression) throws(TemplateError) -> Expression {
        try deeper { parser throws(TemplateError) in
            var node = start
            while true {
                try parser.descend()
                if parser.isOperator(".") || parser.isOperator("[") {
                    node = try parser.parseSubscript(node)
                } else if parser.isOperator("(") {
                    node = try parser.parseCall(node)
                } else {
                    return node
                }
            }
        }
    }

    private mutating func parseFilterExpression(_ start: Expression) throws(TemplateError) -> Expression {
        try deeper { parser throws(TemplateError) in
            var node = start
            while true {
                try parser.descend()
                if parser.isOperator("|") {
                    for (name, call, filterLocation) in try parser.parseFilterChain(startsInline: false) {
                        node = .filter(node, name: name, call, filterLocation)
                    }
                } else if parser.isName("is") {
                    node = try parser.parseTest(node)
                } else if parser.isOperator("(") {
                    node = try parser.parseCall(node)
                } else {
                    return node
                }
            }
        }
    }

    private mutating func parseSubscript(_ target: Expression) throws(TemplateError) -> Expression {
        if skip(op: ".") {
            switch advance().kind {
            case .name(let name):
                if name.hasPrefix("_") { throw .unsupported("access to the underscore attribute '\(name)'", location) }
                return .attribute(target, Name(name))
            case .integer(let value): return .item(target, .constant(.int(value)))
            default: throw .syntax("expected a name or number after '.'", location)
            }
        }
        try expect(op: "[")
        let subscriptLocation = location
        var items: [Expression] = []
        while !isOperator("]") {
            if !items.isEmpty { try expect(op: ",") }
            items.append(try parseSubscribed(target))
        }
        _ = advance()
        guard items.count == 1 else { throw .unsupported("a subscript with several indices", subscriptLocation) }
        return items[0]
    }

    /// `[index]` or a slice `[start:stop:step]`; returns the whole subscript expression.
    private mutating func parseSubscribed(_ target: Expression) throws(TemplateError) -> Expression {
        var start: Expression?
        if !isOperator(":") {
            let index = try parseExpression()
            guard isOperator(":") else { return .item(target, index) }
            start = index
        }
        _ = advance()
        var stop: Expression?
        if !isOperator(":") && !isOperator("]") && !isOperator(",") { stop = try parseExpression() }
        var step: Expression?
        if skip(op: ":"), !isOperator("]") && !isOperator(",") { step = try parseExpression() }
        return .slice(target, start: start, stop: stop, step: step)
    }

    private mutating func parseCall(_ callee: Expression) throws(TemplateError) -> Expression {
        let callLocation = location
        if case .attribute(_, let method) = callee, !Methods.callableNames.contains(method.text) {
            throw .unsupported("the method '\(method.text)()'", callLocation)
        }
        return .call(callee, try parseCallArguments(), callLocation)
    }

    private mutating func parseCallArguments() throws(TemplateError) -> Call {
        var call = Call(positional: [], keywords: [])
        try expect(op: "(")
        while !isOperator(")") {
            if !call.positional.isEmpty || !call.keywords.isEmpty { try expect(op: ",") }
            if isOperator(")") { break }
            if isOperator("*") || isOperator("**") { throw .unsupported("'*' or '**' arguments", location) }
            if case .name(let name) = current.kind, peek().kind == .op("=") {
                _ = advance(); _ = advance()
                call.keywords.append((name, try parseExpression()))
            } else {
                guard call.keywords.isEmpty else { throw .syntax("positional argument after keyword argument", location) }
                call.positional.append(try parseExpression())
            }
        }
        _ = advance()
        return call
    }

    /// `| name(args) | name ...`, checking each filter exists.
    mutating func parseFilterChain(startsInline: Bool) throws(TemplateError) -> [(name: String, Call, SourceLocation)] {
        var filters: [(name: String, Call, SourceLocation)] = []
        var first = startsInline
        while first || skip(op: "|") {
            first = false
            let filterLocation = location
            var name = try expectName()
            while skip(op: ".") { name += "." + (try expectName()) }
            try Filters.check(name, at: filterLocation)
            let call = try isOperator("(") ? parseCallArguments() : Call(positional: [], keywords: [])
            filters.append((name, call, filterLocation))
        }
        return filters
    }

    private mutating func parseTest(_ subject: Expression) throws(TemplateError) -> Expression {
        _ = advance()  // is
        let negated = skip(name: "not")
        let testLocation = location
        var name = try expectName()
        while skip(op: ".") { name += "." + (try expectName()) }
        try Tests.check(name, at: testLocation)
        var call = Call(positional: [], keywords: [])
        if isOperator("(") {
            call = try parseCallArguments()
        } else if startsBareTestArgument {
            if isName("is") { throw .syntax("you cannot chain multiple tests with is", location) }
            call.positional = [try parsePostfix(try parsePrimary())]
        }
        return .test(subject, name: name, call, negated: negated, testLocation)
    }

    /// `x is divisibleby 3`: jinja2 takes one primary as the argument when one follows.
    private var startsBareTestArgument: Bool {
        switch current.kind {
        case .name(let name): !["else", "or", "and"].contains(name)
        case .string, .integer, .float, .op("("), .op("["), .op("{"): true
        default: false
        }
    }
}
