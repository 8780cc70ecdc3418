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
        try render(variables, request: nil)
    }

    /// Renders `variables`, whose `.request` values point into `request`.
    func render(_ variables: Dict, request: RequestStore?) throws(TemplateError) -> String {
        let interpreter = Interpreter(program, variables: variables, request: request)
        try interpreter.execute(program.body)
        return interpreter.output.text
    }
}
