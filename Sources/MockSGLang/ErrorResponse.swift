import HTTPServer
import JSON

extension HTTPResponse {
    /// A worker's error answer: `{"error": {"message", "type", "code"}}`,
    /// SGLang's `{"error": {"message"}}` with the members the router's own
    /// errors carry, so that a proxied worker error reads like the router's.
    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        let body = JSONValue.object([
            (
                "error",
                .object([
                    ("message", .string(message)),
                    ("type", .string(reasonPhrase(status))),
                    ("code", .int(status)),
                ])
            )
        ])
        return .json(status, body.serialized())
    }
}
