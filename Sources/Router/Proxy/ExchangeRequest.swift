/// What the state machine needs to know of a request once the middleware
/// chain let it through.
struct ExchangeRequest {
    let method: String
    /// SGLang generation: buffered unless streamed, resent after an abort.
    let isGenerate: Bool
    /// A middleware asked for the whole answer.
    let needsWholeResponse: Bool
    /// Whether the client asked for a stream, when a middleware read it.
    let streams: Bool?

    init(method: String, path: Substring, forwarding: Forwarding) {
        self.method = method
        isGenerate = Self.isGenerate(method: method, path: path)
        needsWholeResponse = forwarding.needsWholeResponse
        streams = forwarding.streams
    }

    static func isGenerate(method: String, path: Substring) -> Bool { method == "POST" && path == "/generate" }

    /// Whether it may go to another worker after its connection broke: SGLang
    /// generation, or an idempotent method. Asked only then: most requests
    /// never hash their method.
    var maySendTwice: Bool { isGenerate || RetryPolicy.idempotentMethods.contains(method) }
}
