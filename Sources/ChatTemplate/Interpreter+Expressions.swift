/// Attribute and item access as jinja2's sandbox resolves them, slices, and
/// calling a value.
extension Interpreter {
    func invoke(_ value: Value, _ arguments: Arguments, _ location: SourceLocation) throws(TemplateError) -> Value {
        switch value {
        case .function(let function): return try function.call(self, arguments)
        case .undefined(let undefined): throw .render(undefined.message)
        default: throw .render("'\(typeName(value))' object is not callable (at \(location))")
        }
    }

    /// `value.name`: jinja2 tries the Python attribute first, then the item.
    func attribute(of value: Value, _ name: String) throws(TemplateError) -> Value {
        try attribute(of: value, Name(name))
    }

    func attribute(of value: Value, _ name: Name) throws(TemplateError) -> Value {
        if Self.isDict(value), Methods.isDictAttribute(name) { return Methods.dictAttribute(name.text, of: value) }
        switch value {
        case .undefined(let undefined):
            throw .render(undefined.message)
        case .dict(let dict):
            return dict[name] ?? .undefined(Undefined(message: "'dict object' has no attribute '\(name.text)'"))
        case .request(let reference):
            guard reference.isDict else { return try attribute(of: reference.converted, name) }
            return reference.member(name) ?? .undefined(Undefined(message: "'dict object' has no attribute '\(name.text)'"))
        case .namespace(let namespace):
            return namespace.attributes[name] ?? .undefined(Undefined(message: "'Namespace' has no attribute '\(name.text)'"))
        case .loop(let loop):
            guard let attribute = LoopState.attribute(named: name.text) else {
                return .undefined(Undefined(message: "'LoopContext' has no attribute '\(name.text)'"))
            }
            return loop.value(of: attribute)
        default:
            return .undefined(Undefined(message: "'\(typeName(value)) object' has no attribute '\(name.text)'"))
        }
    }

    private static func isDict(_ value: Value) -> Bool {
        switch value {
        case .dict: true
        case .request(let reference): reference.isDict
        default: false
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
        case let (.request(reference), .int(position)):
            if let found = reference.element(position) { return found }
        case let (.request(reference), .string(key)) where reference.isDict:
            return reference.member(Name(key)) ?? .undefined(Undefined(message: "'dict object' has no attribute '\(key)'"))
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
        if case .request(let reference) = value { return try item(of: reference.converted, index) }
        if case .string(let name) = index, case .dict = value {
            return .undefined(Undefined(message: "'dict object' has no attribute '\(name)'"))
        }
        if case .string(let name) = index { return try attribute(of: value, name) }
        return missing
    }

    func slice(_ value: Value, start: Value?, stop: Value?, step: Value?) throws(TemplateError) -> Value {
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
        case .request(let reference) where !reference.isDict:
            let positions = try slicePositions(count: reference.count, start: bound(start), stop: bound(stop), step: stride)
            return reference.store.list(positions, of: reference.node)
        case .request(let reference): return try slice(reference.converted, start: start, stop: stop, step: step)
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
