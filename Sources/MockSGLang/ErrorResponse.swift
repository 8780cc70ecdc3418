import HTTPServer
import JSON

extension HTTPResponse {
    /// A worker's error answer as SGLang spells it: `{"error": {"message"}}`.
    /// It is not the router's error shape (which adds `type` and `code`), so
    /// tests see a worker's error relayed as the worker sent it.
    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        let body = JSONValue.object([("error", .object([("message", .string(message))]))])
        return .json(status, body.serialized())
    }
}
