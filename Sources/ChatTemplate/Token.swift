/// One lexical token of a template.
enum TokenKind: Equatable {
    /// Literal template text between tags, whitespace control already applied.
    case text(String)
    case variableBegin, variableEnd, blockBegin, blockEnd
    case name(String)
    case string(String)
    case integer(Int)
    case float(Double)
    case op(String)
    case end
}

struct Token {
    let kind: TokenKind
    let location: SourceLocation
}
