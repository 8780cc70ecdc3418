/// jinja2 refuses an unknown filter or test when it compiles the template,
/// except inside an `if` (its condition and branches) or a conditional
/// expression, where the failure waits until that code runs. This walk
/// applies the same rule, so a template fails here exactly when it fails there.
enum UnknownNameCheck {
    static func run(_ nodes: [Node]) throws(TemplateError) {
        try check(nodes, soft: false)
    }

    private static func check(_ nodes: [Node], soft: Bool) throws(TemplateError) {
        for node in nodes { try check(node, soft: soft) }
    }

    private static func check(_ node: Node, soft: Bool) throws(TemplateError) {
        switch node {
        case .text, .breakLoop, .continueLoop, .macro:
            if case .macro(let definition) = node {
                for parameter in definition.parameters { try check(parameter.defaultValue, soft: false) }
                try check(definition.body, soft: false)
            }
        case .output(let expression):
            try check(expression, soft: soft)
        case .conditional(let branches, let otherwise):
            for branch in branches {
                try check(branch.condition, soft: true)
                try check(branch.body, soft: true)
            }
            try check(otherwise, soft: true)
        case .loop(_, let iterable, let filter, let body, let otherwise, _):
            try check(iterable, soft: soft)
            try check(filter, soft: false)
            try check(body, soft: false)
            try check(otherwise, soft: false)
        case .set(_, let expression):
            try check(expression, soft: soft)
        case .setBlock(_, let filters, let body):
            for (name, call, location) in filters { try checkFilter(name, call, location, soft: soft) }
            try check(body, soft: false)
        case .callBlock(let call, let parameters, let body):
            try check(call, soft: soft)
            for parameter in parameters { try check(parameter.defaultValue, soft: false) }
            try check(body, soft: false)
        case .filterBlock(let filters, let body):
            for (name, call, location) in filters { try checkFilter(name, call, location, soft: soft) }
            try check(body, soft: false)
        case .with(let assignments, let body):
            for (_, expression) in assignments { try check(expression, soft: soft) }
            try check(body, soft: false)
        case .generation(let body):
            try check(body, soft: false)
        }
    }

    private static func check(_ expression: Expression?, soft: Bool) throws(TemplateError) {
        guard let expression else { return }
        switch expression {
        case .constant, .name:
            break
        case .list(let items), .tuple(let items):
            for item in items { try check(item, soft: soft) }
        case .dict(let pairs):
            for pair in pairs { try check(pair.key, soft: soft); try check(pair.value, soft: soft) }
        case .attribute(let target, _), .negate(let target), .plus(let target), .not(let target):
            try check(target, soft: soft)
        case .item(let target, let index):
            try check(target, soft: soft); try check(index, soft: soft)
        case .slice(let target, let start, let stop, let step):
            for part in [target, start, stop, step] { try check(part, soft: soft) }
        case .call(let callee, let call, _):
            try check(callee, soft: soft)
            try check(call, soft: soft)
        case .filter(let target, let name, let call, let location):
            try check(target, soft: soft)
            try checkFilter(name, call, location, soft: soft)
        case .test(let target, let name, let call, _, let location):
            try check(target, soft: soft)
            try check(call, soft: soft)
            if !soft && Tests.Test(name: name) == nil { throw .syntax("no test named '\(name)'", location) }
        case .and(let left, let right), .or(let left, let right), .binary(_, let left, let right, _):
            try check(left, soft: soft); try check(right, soft: soft)
        case .compare(let first, let operations, _):
            try check(first, soft: soft)
            for (_, operand) in operations { try check(operand, soft: soft) }
        case .conditional(let then, let condition, let otherwise):
            for part in [then, condition, otherwise] { try check(part, soft: true) }
        }
    }

    private static func check(_ call: Call, soft: Bool) throws(TemplateError) {
        for argument in call.positional { try check(argument, soft: soft) }
        for keyword in call.keywords { try check(keyword.value, soft: soft) }
    }

    private static func checkFilter(_ name: String, _ call: Call, _ location: SourceLocation, soft: Bool) throws(TemplateError) {
        try check(call, soft: soft)
        if !soft && Filter(rawValue: name) == nil { throw .syntax("no filter named '\(name)'", location) }
    }
}
