/// The example middleware: gives every proxied request an `X-Request-ID`
/// (keeping the client's own) and returns it on buffered responses, so a
/// request can be followed through router and worker logs.
public final class RequestIDMiddleware: NamedMiddleware {
    static let names = ["request-id"]
    private var counter: UInt64 = 0
    private let prefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)

    public init() {}

    static func make(_ setup: MiddlewareSetup) throws -> any Middleware { RequestIDMiddleware() }

    public func prepare(_ request: ProxiedRequest, context: MiddlewareContext, done: @escaping (MiddlewareVerdict) -> Void) {
        if request.headers["x-request-id"] == nil {
            counter += 1
            request.headers.add("X-Request-ID", "\(prefix)-\(counter)")
        }
        done(.forward)
    }

    public func complete(_ response: ProxiedResponse, for request: ProxiedRequest, context: MiddlewareContext,
                         done: @escaping (ProxiedResponse) -> Void) {
        var response = response
        if response.headers["x-request-id"] == nil, let id = request.headers["x-request-id"] {
            response.headers.add("X-Request-ID", id)
        }
        done(response)
    }
}
