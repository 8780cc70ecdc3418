import HTTPServer
import JSON

extension HTTPResponse {
    /// `{"error": {"message", "type", "code"}}`: the shape every error of
    /// the router takes, the HTTP server's own (400, 413, 431, 503...)
    /// included, through `RouterConfiguration.http`.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
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
