/// Reading JSON bodies, as the router and the mock answer them.

/// The response body as a JSON object.
public func jsonObject(_ response: HTTPTestResponse) throws -> [String: Any] {
    guard let object = try response.json() as? [String: Any] else {
        throw FixtureError("body is not a JSON object: \(response.text.prefix(500))")
    }
    return object
}

/// The message of the router's error shape `{"error": {"message", "type", "code"}}`,
/// or nil when the body does not have that shape.
public func errorMessage(_ response: HTTPTestResponse) -> String? {
    guard response.header("Content-Type")?.hasPrefix("application/json") == true,
        let object = try? jsonObject(response),
        let error = object["error"] as? [String: Any]
    else { return nil }
    return error["message"] as? String
}

/// Whether the error body has the router's shape `{"error": {"message": ...}}`.
public func isJSONError(_ response: HTTPTestResponse) -> Bool {
    errorMessage(response) != nil
}
