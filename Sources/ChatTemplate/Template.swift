/// A Jinja chat template, parsed and compiled once and rendered any number
/// of times, on any thread. Parsing refuses what this engine cannot render
/// exactly as jinja2 would, naming the construct and where it is.
public struct Template: Sendable {
    let program: CompiledTemplate

    /// Parses `source`; throws `TemplateError.syntax` or `.unsupported` with a line and column.
    /// This is also the entry point for fuzzing the lexer and parser.
    public init(source: String) throws(TemplateError) {
        program = Compiler.compile(try Parser.parse(Lexer.tokenize(source)))
    }

    /// Renders with `variables` as the template's top-level names.
    public func render(_ variables: Dict) throws(TemplateError) -> String {
        try render(request: nil) { variables[$0] }
    }

    /// Renders with `variable(name)` as each top-level name the template reads
    /// (nil when not given), whose `.request` values point into `request`.
    func render(request: RequestStore?, variable: (String) -> Value?) throws(TemplateError) -> String {
        let interpreter = Interpreter(program, globals: program.globalNames.map(variable), request: request)
        try interpreter.execute(program.body)
        return interpreter.output.text
    }
}
