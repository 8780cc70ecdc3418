import Glibc

/// The globals transformers' environment offers: jinja2's `range`, `dict`
/// and `namespace`, plus `raise_exception` and `strftime_now`.
enum Globals {
    /// The global called `name`, made when a template looks it up (most renders
    /// use one or two, so none is built ahead).
    static func named(_ name: String) -> Value? {
        switch name {
        case "range": .function(Function(name: "range") { _, arguments throws(TemplateError) in try range(arguments) })
        case "dict": .function(Function(name: "dict") { _, arguments throws(TemplateError) in try dict(arguments) })
        case "namespace":
            .function(
                Function(name: "namespace") { interpreter, arguments throws(TemplateError) in
                    let initial = try dict(arguments)
                    guard case .dict(let attributes) = initial else { return initial }
                    _ = try ValueNesting.checked(initial, storedBy: "namespace()")
                    for key in attributes.keys {
                        if case .string(let name) = key, name.hasPrefix("_") {
                            throw .render("chat templates cannot store underscore-prefixed attributes on a namespace, but got '\(name)'")
                        }
                    }
                    let namespace = Namespace(attributes)
                    interpreter.breakCyclesAtTheEnd(namespace)
                    return .namespace(namespace)
                })
        case "raise_exception":
            .function(
                Function(name: "raise_exception") { _, arguments throws(TemplateError) in
                    throw .raised(try arguments.positional.first.map(pythonString) ?? "")
                })
        case "strftime_now":
            .function(
                Function(name: "strftime_now") { _, arguments throws(TemplateError) in
                    guard case .string(let format)? = arguments.positional.first else {
                        throw .render("strftime_now() needs a format string")
                    }
                    return .string(strftimeNow(format))
                })
        default: nil
        }
    }

    /// jinja2's sandboxed `range`, capped at 100000 items.
    private static func range(_ arguments: Arguments) throws(TemplateError) -> Value {
        var bounds: [Int] = []
        for argument in arguments.positional {
            guard case .int(let number) = argument.asInteger else { throw .render("range() arguments must be integers") }
            bounds.append(number)
        }
        let (start, stop, step): (Int, Int, Int)
        switch bounds.count {
        case 1: (start, stop, step) = (0, bounds[0], 1)
        case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
        case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
        default: throw .render("range expected 1 to 3 arguments")
        }
        guard step != 0 else { throw .render("range() arg 3 must not be zero") }
        let span = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
        guard !span.overflow, step != Int.min else { throw .render("range too big, maximum size for range is 100000") }
        let count = span.partialValue <= 0 ? 0 : (span.partialValue - 1) / abs(step) + 1
        guard count <= 100_000 else { throw .render("range too big, maximum size for range is 100000") }
        return .list(Swift.stride(from: start, to: stop, by: step).map(Value.int))
    }

    /// `dict(mapping, key=value...)`.
    private static func dict(_ arguments: Arguments) throws(TemplateError) -> Value {
        var result = Dict()
        if let first = arguments.positional.first {
            guard arguments.positional.count == 1, case .dict(let initial) = first else {
                throw .render("dict() takes a single mapping argument")
            }
            result = initial
        }
        for (name, value) in arguments.keywords { result[name] = value }
        return .dict(result)
    }

    private static func strftimeNow(_ format: String) -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 512)
        let written = strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer[..<written].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
