/// A value as a template sees it: the Python objects `transformers` hands to
/// jinja2 (JSON-shaped data), plus jinja2's own kinds (Undefined, namespaces,
/// macros, the loop object). Dicts and lists are values: the immutable
/// sandbox forbids changing them, so copying can never be observed. Only a
/// namespace is shared and mutable, as in jinja2.
public enum Value {
    case undefined(Undefined)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    /// jinja2's `Markup` (from `|safe` or `|escape`): a string that HTML-escapes plain strings added to it.
    case markup(String)
    case list([Value])
    case tuple([Value])
    case dict(Dict)
    case namespace(Namespace)
    case function(Function)
    case loop(LoopReference)
    /// What jinja2's `map`, `select`, ... and dict's `items()` return: not a list.
    case iterator(LazyItems)
    /// A list or dict of the chat request, read in place. Only the
    /// interpreter's readers see one (`CompiledExpression.read`): everything
    /// else gets values from `evaluate`, which converts it (`resolved`).
    case request(RequestReference)

    static var empty: Value { .string("") }
    static func missing(_ name: String) -> Value { .undefined(Undefined(message: "'\(name)' is undefined")) }
}

extension Value {
    /// The value with a request's list or dict converted into a `.list` or `.dict`.
    /// Consuming: the common case (not a `.request`) hands the value on without copying it.
    consuming func resolved() -> Value {
        if case .request(let reference) = self { return reference.converted }
        return self
    }

    /// The text of a string or Markup value.
    var text: String? {
        switch self {
        case .string(let text), .markup(let text): text
        default: nil
        }
    }
}

/// A Python generator (one pass, always true, no length) or a dict view
/// (`dict_items`, `dict_keys`, `dict_values`: sized, re-iterable).
public final class LazyItems {
    enum Kind: Equatable { case generator, view(String) }
    let kind: Kind
    /// Read directly only to measure nesting (`ValueNesting`); iterate with `take`.
    let items: [Value]
    private var consumed = false

    init(_ items: [Value], kind: Kind) {
        self.items = items
        self.kind = kind
    }

    /// The items left to iterate: a generator gives them once.
    func take() -> [Value] {
        guard kind == .generator else { return items }
        defer { consumed = true }
        return consumed ? [] : items
    }

    /// A view's items without consuming anything; nil for a generator.
    var viewItems: [Value]? { kind == .generator ? nil : items }

    static func generator(_ items: [Value]) -> Value { .iterator(LazyItems(items, kind: .generator)) }
}

/// jinja2's default `Undefined`: empty when printed or iterated, false when
/// tested, an error for anything else.
public struct Undefined {
    /// The error raised when the template uses the value in a way `Undefined` refuses.
    let message: String
}

/// `namespace(...)`: the one object a template may change.
public final class Namespace: RenderCycleBreaking {
    /// Unchecked: a render runs on one thread, and nothing reads a namespace while one of its attributes is being set.
    @exclusivity(unchecked) var attributes: Dict
    init(_ attributes: Dict) { self.attributes = attributes }
    func breakCycles() { attributes = Dict() }
}

/// Anything callable: macros, globals such as `range`, bound methods.
public final class Function {
    let name: String
    let call: (Interpreter, Arguments) throws(TemplateError) -> Value
    init(name: String, call: @escaping (Interpreter, Arguments) throws(TemplateError) -> Value) {
        self.name = name
        self.call = call
    }
}

/// Positional and keyword arguments of one call.
public struct Arguments {
    var positional: [Value]
    var keywords: [(name: String, value: Value)]

    init(_ positional: [Value] = [], keywords: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    /// The argument at `position` or named `name`, for signatures like Python's.
    func value(_ position: Int, _ name: String) -> Value? {
        if let keyword = keywords.last(where: { $0.name == name }) { return keyword.value }
        return position < positional.count ? positional[position] : nil
    }

    /// Refuses arguments a signature does not have, as Python would.
    func check(_ function: String, names: [String]) throws(TemplateError) {
        if positional.count > names.count {
            throw .render("\(function)() takes at most \(names.count) arguments (\(positional.count) given)")
        }
        for keyword in keywords where !names.contains(keyword.name) {
            throw .render("\(function)() got an unexpected keyword argument '\(keyword.name)'")
        }
    }
}
