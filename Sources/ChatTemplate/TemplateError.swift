/// Where in the template source something is: 1-based line and column.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public var description: String { "line \(line), column \(column)" }

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// Why a template could not be loaded or rendered.
public enum TemplateError: Error, Equatable, CustomStringConvertible {
    /// The source is not valid Jinja.
    case syntax(String, SourceLocation)
    /// Valid Jinja that this engine does not implement: refused at load time
    /// rather than rendered differently from transformers.
    case unsupported(String, SourceLocation)
    /// The template failed while rendering (transformers fails there too).
    case render(String)
    /// The template called `raise_exception(message)`.
    case raised(String)

    public var description: String {
        switch self {
        case .syntax(let message, let location): "template syntax error at \(location): \(message)"
        case .unsupported(let construct, let location): "unsupported template construct at \(location): \(construct)"
        case .render(let message): "template rendering failed: \(message)"
        case .raised(let message): "template raised an exception: \(message)"
        }
    }
}
