import ChatTemplate
import JSON

/// Renders `source` with top-level variables given as a JSON object.
func render(_ source: String, _ variables: String = "{}") throws -> String {
    guard case .dict(let dict) = try Value(json: JSONParser.parse(variables)) else { fatalError("variables must be an object") }
    return try Template(source: source).render(dict)
}

/// The load-time error for `source`, if any.
func loadError(_ source: String) -> TemplateError? {
    do {
        _ = try Template(source: source)
        return nil
    } catch {
        return error
    }
}
