/// Expression evaluation: names, attribute and item access as jinja2's
/// sandbox resolves them, calls, operators, filters and tests.
extension Interpreter {
    func evaluate(_ expression: Expression) throws(TemplateError) -> Value {
        switch expression {
        case .constant(let constant):
            return constant.value
        case .name(let name, _):
            return scope.lookup(name) ?? Globals.named(name.text) ?? .missing(name.text)
        case .list(let items):
            return .list(try items.map { item throws(TemplateError) in try evaluate(item) })
        case .tuple(let items):
            return .tuple(try items.map { item throws(TemplateError) in try evaluate(item) })
        case .dict(let pairs):
            var dict = Dict()
            for pair in pairs {
                let key = try evaluate(pair.key)
                guard DictKey(key) != nil else { throw .render("unhashable type: '\(typeName(key))'") }
                dict[key] = try evaluate(pair.value)
            }
            return .dict(dict)
        case .attribute(let target, let name):
            return try attribute(of: evaluate(target), name)
        case .item(let target, let index):
            return try item(of: evaluate(target), evaluate(index))
        case .slice(let target, let start, let stop, let step):
            let evaluateBound = { (bound: Expression?) throws(TemplateError) -> Value? in
                guard let bound else { return nil }
                return try self.evaluate(bound)
            }
            return try slice(evaluate(target), start: evaluateBound(start), stop: evaluateBound(stop), step: evaluateBound(step))
        case .call:
            return try evaluate(expression, caller: nil)
        case .filter(let target, let name, let call, let location):
            return try applyFilter(name, to: evaluate(target), call, location)
        case .test(let target, let name, let call, let negated, _):
            let passed = try Tests.apply(name, to: evaluate(target), arguments(of: call), self)
            return .bool(passed != negated)
        case .negate(let operand):
            let value = try evaluate(operand)
            switch value {
            case .int(let number):
                guard number != Int.min else { throw .render("integer result too large") }
                return .int(-number)
            case .double(let number): return .double(-number)
            case .bool(let flag): return .int(flag ? -1 : 0)
            default: throw .render("bad operand type for unary -: '\(typeName(value))'")
            }
        case .plus(let operand):
            let value = try evaluate(operand)
            switch value {
            case .int, .double: return value
            case .bool(let flag): return .int(flag ? 1 : 0)
            default: throw .render("bad operand type for unary +: '\(typeName(value))'")
            }
        case .not(let operand):
            return .bool(!isTruthy(try evaluate(operand)))
        case .and(let left, let right):
            let value = try evaluate(left)
            return isTruthy(value) ? try evaluate(right) : value
        case .or(let left, let right):
            let value = try evaluate(left)
            return isTruthy(value) ? value : try evaluate(right)
        case .binary(.concat, let left, let right, _):
            return .string(try pythonString(evaluate(left)) + pythonString(evaluate(right)))
        case .binary(let op, let left, let right, _):
            return try pythonArithmetic(op, evaluate(left), evaluate(right))
        case .compare(let first, let operations, _):
            var left = try evaluate(first)
            for (op, operand) in operations {
                let right = try evaluate(operand)
                guard try compare(op, left, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let then, let condition, let otherwise):
            if isTruthy(try evaluate(condition)) { return try evaluate(then) }
            guard let otherwise else {
                return .undefined(Undefined(message: "the inline if expression evaluated to false and no else section was defined"))
            }
            return try evaluate(otherwise)
        }
    }

    private func compare(_ op: ComparisonOperator, _ left: Value, _ right: Value) throws(TemplateError) -> Bool {
        switch op {
        case .equal: return pythonEquals(left, right)
        case .notEqual: return !pythonEquals(left, right)
        case .isIn: return try pythonContains(right, left)
        case .notIn: return try !pythonContains(right, left)
        case .less: return try pythonCompare(left, right) < 0
        case .lessOrEqual: return try pythonCompare(left, right) <= 0
        case .greater: return try pythonCompare(left, right) > 0
        case .greaterOrEqual: return try pythonCompare(left, right) >= 0
        }
    }

    func arguments(of call: Call) throws(TemplateError) -> Arguments {
        Arguments(
            try call.positional.map { item throws(TemplateError) in try evaluate(item) },
            keywords: try call.keywords.map { keyword throws(TemplateError) in (keyword.name, try evaluate(keyword.value)) })
    }

    /// A call; a `{% call %}` block passes its body as `caller`.
    func evaluate(_ expression: Expression, caller: Function?) throws(TemplateError) -> Value {
        guard case .call(let callee, let call, let location) = expression else { return try evaluate(expression) }
        var arguments = try arguments(of: call)
        if let caller { arguments.keywords.append(("caller", .function(caller))) }
        if case .attribute(let receiverExpression, let name) = callee {
            let receiver = try evaluate(receiverExpression)
            if let result = try Methods.call(name.text, on: receiver, arguments, self) { return result }
            return try invoke(attribute(of: receiver, name), arguments, location)
        }
        return try invoke(evaluate(callee), arguments, location)
    }

    func invoke(_ value: Value, _ arguments: Arguments, _ location: SourceLocation) throws(TemplateError) -> Value {
        switch value {
        case .function(let function): return try function.call(self, arguments)
        case .undefined(let undefined): throw .render(undefined.message)
        default: throw .render("'\(typeName(value))' object is not callable (at \(location))")
        }
    }

    func applyFilter(_ name: String, to value: Value, _ call: Call, _ location: SourceLocation) throws(TemplateError) -> Value {
        try Filters.apply(name, to: value, arguments(of: call), self)
    }

    /// `value.name`: jinja2 tries the Python attribute first, then the item.
    func attribute(of value: Value, _ name: String) throws(TemplateError) -> Value {
        try attribute(of: value, Name(name))
    }

    func attribute(of value: Value, _ name: Name) throws(TemplateError) -> Value {
        switch value {
        case .undefined(let undefined):
            throw .render(undefined.message)
        case .dict(let dict):
            return dict[name] ?? .undefined(Undefined(message: "'dict object' has no attribute '\(name.text)'"))
        case .namespace(let namespace):
            return namespace.attributes[name] ?? .undefined(Undefined(message: "'Namespace' has no attribute '\(name.text)'"))
        case .loop(let loop):
            return loop.attribute(name) ?? .undefined(Undefined(message: "'LoopContext' has no attribute '\(name.text)'"))
        default:
            return .undefined(Undefined(message: "'\(typeName(value)) object' has no attribute '\(name.text)'"))
        }
    }

    /// `value[index]`: jinja2 tries the item first, then a string index as an attribute.
    func item(of value: Value, _ index: Value) throws(TemplateError) -> Value {
        var missing: Value {
            .undefined(Undefined(message: "'\(typeName(value)) object' has no element \((try? pythonRepr(index)) ?? "")"))
        }
        switch (value, index) {
        case (.undefined(let undefined), _):
            throw .render(undefined.message)
        case let (.dict(dict), key):
            if let found = dict[key] { return found }
        case let (.list(items), .int(position)), let (.tuple(items), .int(position)):
            let resolved = position < 0 ? position + items.count : position
            return items.indices.contains(resolved) ? items[resolved] : missing
        case let (.list(items), .bool(flag)), let (.tuple(items), .bool(flag)):
            let resolved = flag ? 1 : 0
            return items.indices.contains(resolved) ? items[resolved] : missing
        case let (.string(text), .int(position)), let (.markup(text), .int(position)):
            let scalars = Array(text.unicodeScalars)
            let resolved = position < 0 ? position + scalars.count : position
            return scalars.indices.contains(resolved) ? .string(String(scalars[resolved])) : missing
        default:
            break
        }
        if case .string(let name) = index, case .dict = value {
            return .undefined(Undefined(message: "'dict object' has no attribute '\(name)'"))
        }
        if case .string(let name) = index { return try attribute(of: value, name) }
        return missing
    }

    private func slice(_ value: Value, start: Value?, stop: Value?, step: Value?) throws(TemplateError) -> Value {
        func bound(_ value: Value?) throws(TemplateError) -> Int? {
            switch value {
            case nil, .none?: return nil
            case .int(let number)?: return number
            case .bool(let flag)?: return flag ? 1 : 0
            default: throw .render("slice indices must be integers or None")
            }
        }
        let stride = try bound(step) ?? 1
        guard stride != 0 else { throw .render("slice step cannot be zero") }
        func pick<Element>(_ items: [Element]) throws(TemplateError) -> [Element] {
            let positions = try slicePositions(count: items.count, start: bound(start), stop: bound(stop), step: stride)
            return positions.map { items[$0] }
        }
        switch value {
        case .list(let items): return .list(try pick(items))
        case .tuple(let items): return .tuple(try pick(items))
        case .string(let text):
            var picked = String.UnicodeScalarView()
            picked.append(contentsOf: try pick(Array(text.unicodeScalars)))
            return .string(String(picked))
        case .undefined(let undefined): throw .render(undefined.message)
        default: throw .render("'\(typeName(value))' object is not subscriptable")
        }
    }
}

/// The indices Python's `sequence[start:stop:step]` selects.
func slicePositions(count: Int, start: Int?, stop: Int?, step: Int) -> [Int] {
    func clamp(_ value: Int, low: Int, high: Int) -> Int {
        let adjusted = value < 0 ? value + count : value
        return min(max(adjusted, low), high)
    }
    if step > 0 {
        let from = start.map { clamp($0, low: 0, high: count) } ?? 0
        let to = stop.map { clamp($0, low: 0, high: count) } ?? count
        return from < to ? Array(Swift.stride(from: from, to: to, by: step)) : []
    }
    let from = start.map { clamp($0, low: -1, high: count - 1) } ?? count - 1
    let to = stop.map { clamp($0, low: -1, high: count - 1) } ?? -1
    return from > to ? Array(Swift.stride(from: from, to: to, by: step)) : []
}
