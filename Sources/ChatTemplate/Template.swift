/// A Jinja chat template, parsed once and rendered any number of times, on
/// any thread. Parsing refuses what this engine cannot render exactly as
/// jinja2 would, naming the construct and where it is.
public struct Template: Sendable {
    let nodes: [Node]

    /// Parses `source`; throws `TemplateError.syntax` or `.unsupported` with a line and column.
    /// This is also the entry point for fuzzing the lexer and parser.
    public init(source: String) throws(TemplateError) {
        nodes = try Parser.parse(Lexer.tokenize(source))
    }

    /// Renders with `variables` as the template's top-level names.
    public func render(_ variables: Dict) throws(TemplateError) -> String {
        let interpreter = Interpreter(variables: variables)
        try interpreter.execute(nodes)
        return String(decoding: interpreter.output, as: UTF8.self)
    }
}
