/// Turns the parse tree into the tree a render runs (`CompiledStatement`,
/// `CompiledExpression`), once per template: every variable is resolved to
/// the frame slots that can hold it and an index into the render's
/// variables, so no render looks a name up by its string; subexpressions of
/// literals are computed; the comparisons templates make on every message
/// get fast paths.
final class Compiler {
    /// Names the template reads, in the order `Interpreter.globals` holds the render's variables.
    private var globalNames: [String] = []
    /// The `for` statements so far: each is numbered for its frame kept between runs (`Interpreter.takeLoopFrame`).
    private var loopCount = 0
    private var scope: CompileScope

    private init(scope: CompileScope) { self.scope = scope }

    static func compile(_ nodes: [Node]) -> CompiledTemplate {
        let root = CompileScope(parent: nil)
        root.addNamesSet(by: nodes)
        let compiler = Compiler(scope: root)
        let body = compiler.compile(nodes)
        return CompiledTemplate(body: body, rootNames: root.names, globalNames: compiler.globalNames, loopCount: compiler.loopCount)
    }

    /// Compiles with `inner` as the current frame.
    private func within<Result>(_ inner: CompileScope, _ compile: () -> Result) -> Result {
        let outer = scope
        scope = inner
        defer { scope = outer }
        return compile()
    }

    // MARK: statements

    private func compile(_ nodes: [Node]) -> [CompiledStatement] {
        var statements: [CompiledStatement] = []
        for node in nodes { compile(node, into: &statements) }
        return statements
    }

    private func compile(_ node: Node, into statements: inout [CompiledStatement]) {
        switch node {
        case .text(let text):
            statements.append(TextStatement(text))
        case .output(let expression):
            statements.append(OutputStatement(compile(expression)))
        case .conditional(let branches, let otherwise):
            let compiled = branches.map { (condition: compile($0.condition), body: compile($0.body)) }
            let chain = compiled.reversed().reduce(compile(otherwise)) { otherwise, branch in
                [IfStatement(branch.condition, body: branch.body, otherwise: otherwise)]
            }
            statements += chain
        case .loop(let target, let iterable, let filter, let body, let otherwise, _):
            statements.append(compileLoop(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise))
        case .set(let target, let expression):
            statements.append(SetStatement(compile(target), compile(expression)))
        case .setBlock(let target, let filters, let body):
            statements.append(FilteredBlockStatement(compile(target), filters: filters.map(compile), body: compile(body)))
        case .filterBlock(let filters, let body):
            statements.append(FilteredBlockStatement(nil, filters: filters.map(compile), body: compile(body)))
        case .macro(let definition):
            let macro = compileMacro(definition.name, definition.parameters, definition.body)
            statements.append(MacroStatement(macro, slot: scope.add(definition.name)))
        case .callBlock(let call, let parameters, let body):
            statements.append(CallBlockStatement(compile(call), caller: compileMacro("caller", parameters, body)))
        case .with(let assignments, let body):
            let values = assignments.map { compile($0.1) }
            let inner = CompileScope(parent: scope)
            for (target, _) in assignments { inner.addNames(of: target) }
            inner.addNamesSet(by: body)
            let (targets, compiledBody) = within(inner) { (assignments.map { compile($0.0) }, compile(body)) }
            let pairs = zip(targets, values).map { (target: $0, value: $1) }
            statements.append(WithStatement(pairs, frameSize: inner.names.count, body: compiledBody))
        case .generation(let body):
            // transformers' `{% generation %}` renders its body unchanged.
            for inner in body { compile(inner, into: &statements) }
        case .breakLoop:
            statements.append(LoopControlStatement(.breakLoop))
        case .continueLoop:
            statements.append(LoopControlStatement(.continueLoop))
        }
    }

    private func compileLoop(
        target: AssignmentTarget, iterable: Expression, filter: Expression?, body: [Node], otherwise: [Node]
    ) -> ForStatement {
        // The iterable and `else` run in the frame around the loop.
        let compiledIterable = compile(iterable)
        let compiledOtherwise = compile(otherwise)
        let inner = CompileScope(parent: scope)
        let loopSlot = inner.add("loop")
        inner.addNames(of: target)
        inner.addNamesSet(by: body)
        let number = loopCount
        loopCount += 1
        return within(inner) {
            ForStatement(
                target: compile(target), iterable: compiledIterable, filter: filter.map(compile), body: compile(body),
                otherwise: compiledOtherwise, loopSlot: loopSlot, frameSize: inner.names.count, number: number)
        }
    }

    /// A macro's frame holds its parameters (a default can read the ones before it), `caller`, and what its body sets.
    private func compileMacro(
        _ name: String, _ parameters: [(name: String, defaultValue: Expression?)], _ body: [Node]
    ) -> CompiledMacro {
        let inner = CompileScope(parent: scope)
        let slots = parameters.map { inner.add($0.name) }
        let callerSlot = inner.add("caller")
        inner.addNamesSet(by: body)
        return within(inner) {
            let compiledParameters = zip(parameters, slots).map { parameter, slot in
                (name: parameter.name, slot: slot, defaultValue: parameter.defaultValue.map(compile))
            }
            return CompiledMacro(
                name: name, parameters: compiledParameters, callerSlot: callerSlot, frameSize: inner.names.count,
                body: compile(body))
        }
    }

    /// A target in the current frame, which gave its names slots before its code was compiled.
    private func compile(_ target: AssignmentTarget) -> CompiledTarget {
        switch target {
        case .name(let name): .slot(scope.add(name.text))
        case .tuple(let targets): .tuple(targets.map(compile))
        case .namespaceAttribute(let name, let attribute, let location):
            .namespaceAttribute(variable(name), attribute: attribute, location)
        }
    }

    private func compile(_ filter: (name: String, call: Call, location: SourceLocation)) -> CompiledFilter {
        CompiledFilter(name: filter.name, arguments: compile(filter.call))
    }

    private func compile(_ call: Call) -> CompiledArguments {
        CompiledArguments(positional: call.positional.map(compile), keywords: call.keywords.map { ($0.name, compile($0.value)) })
    }

    // MARK: expressions

    private func variable(_ name: String) -> VariableExpression {
        let global: Int
        if let known = globalNames.firstIndex(where: { sameBytes($0, name) }) {
            global = known
        } else {
            global = globalNames.count
            globalNames.append(name)
        }
        return VariableExpression(name: name, slots: scope.slots(of: name), global: global)
    }

    private func compile(_ expression: Expression) -> CompiledExpression {
        switch expression {
        case .constant(let constant):
            return ConstantExpression(constant.value)
        case .name(let name, _):
            return variable(name.text)
        case .list(let items):
            return folded(SequenceExpression(items.map(compile), isTuple: false))
        case .tuple(let items):
            return folded(SequenceExpression(items.map(compile), isTuple: true))
        case .dict(let pairs):
            return folded(DictExpression(pairs.map { (key: compile($0.key), value: compile($0.value)) }))
        case .attribute(let target, let name):
            return folded(AttributeExpression(compile(target), name))
        case .item(let target, let index):
            return folded(ItemExpression(compile(target), compile(index)))
        case .slice(let target, let start, let stop, let step):
            return folded(SliceExpression(compile(target), start: start.map(compile), stop: stop.map(compile), step: step.map(compile)))
        case .call(.attribute(let receiver, let name), let call, let location):
            return CallExpression(.method(receiver: compile(receiver), name: name), compile(call), location)
        case .call(let callee, let call, let location):
            return CallExpression(.value(compile(callee)), compile(call), location)
        case .filter(let target, let name, let call, _):
            return FilterExpression(compile(target), CompiledFilter(name: name, arguments: compile(call)))
        case .test(let target, let name, let call, let negated, _):
            return TestExpression(compile(target), name: name, compile(call), negated: negated)
        case .negate(let operand):
            return folded(UnaryExpression(.negate, compile(operand)))
        case .plus(let operand):
            return folded(UnaryExpression(.plus, compile(operand)))
        case .not(let operand):
            return folded(UnaryExpression(.not, compile(operand)))
        case .and(let left, let right):
            return folded(LogicalExpression(isAnd: true, compile(left), compile(right)))
        case .or(let left, let right):
            return folded(LogicalExpression(isAnd: false, compile(left), compile(right)))
        case .binary(.concat, let left, let right, _):
            return folded(ConcatExpression(compile(left), compile(right)))
        case .binary(let op, let left, let right, _):
            return folded(ArithmeticExpression(op, compile(left), compile(right)))
        case .compare(let first, let operations, _):
            let compiledFirst = compile(first)
            if operations.count == 1, operations[0].0 == .equal || operations[0].0 == .notEqual,
                case .constant(.string(let literal)) = operations[0].1, !(compiledFirst is ConstantExpression)
            {
                return StringEqualityExpression(compiledFirst, literal, negated: operations[0].0 == .notEqual)
            }
            return folded(ComparisonExpression(compiledFirst, operations.map { (op: $0.0, operand: compile($0.1)) }))
        case .conditional(let then, let condition, let otherwise):
            return folded(ConditionalExpression(then: compile(then), condition: compile(condition), otherwise: otherwise.map(compile)))
        }
    }

    /// `expression` computed now when all its operands are literals and
    /// computing it succeeds; a failure is left for the render to report.
    private func folded(_ expression: CompiledExpression) -> CompiledExpression {
        guard let operands = expression.foldableOperands, operands.allSatisfy({ $0 is ConstantExpression }),
            let value = try? expression.evaluate(Interpreter(frameSize: 0, globals: []))
        else { return expression }
        return ConstantExpression(value)
    }
}

/// A compiled template: its statements, and the names of its top frame and of the render's variables it reads.
/// Sendable although its classes are not marked so: nothing changes them after
/// compiling (final classes, `let` properties, literal values).
struct CompiledTemplate: @unchecked Sendable {
    let body: [CompiledStatement]
    let rootNames: [String]
    let globalNames: [String]
    /// How many `for` statements the template has.
    let loopCount: Int
}
