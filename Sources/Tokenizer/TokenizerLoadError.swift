/// Why a tokenizer could not be loaded: a missing or malformed file, or a
/// component this implementation does not support (never silently ignored).
public struct TokenizerLoadError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    static func unsupported(_ what: String, _ value: Any?) -> TokenizerLoadError {
        TokenizerLoadError("unsupported \(what): \(value.map { "\($0)" } ?? "null")")
    }
}
