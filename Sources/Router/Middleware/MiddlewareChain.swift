import HTTPServer

/// Runs the configured middlewares in order over a request, and in reverse
/// order over its response.
struct MiddlewareChain {
    let middlewares: [Middleware]

    func prepare(
        _ request: ProxiedRequest, context: MiddlewareContext, from index: Int = 0,
        done: @escaping (MiddlewareVerdict) -> Void
    ) {
        guard index < middlewares.count else { return done(.forward) }
        middlewares[index].prepare(request, context: context) { verdict in
            if case .respond = verdict { return done(verdict) }
            prepare(request, context: context, from: index + 1, done: done)
        }
    }

    func complete(
        _ response: ProxiedResponse, for request: ProxiedRequest, context: MiddlewareContext,
        done: @escaping (ProxiedResponse) -> Void
    ) {
        completeReversed(response, for: request, context: context, remaining: middlewares.count, done: done)
    }

    private func completeReversed(
        _ response: ProxiedResponse, for request: ProxiedRequest, context: MiddlewareContext,
        remaining: Int, done: @escaping (ProxiedResponse) -> Void
    ) {
        guard remaining > 0 else { return done(response) }
        middlewares[remaining - 1].complete(response, for: request, context: context) { changed in
            completeReversed(changed, for: request, context: context, remaining: remaining - 1, done: done)
        }
    }

    func observeStream(_ bytes: UnsafeRawBufferPointer, for request: ProxiedRequest, context: MiddlewareContext) {
        for middleware in middlewares.reversed() { middleware.observeStream(bytes, for: request, context: context) }
    }

    func streamEnded(
        for request: ProxiedRequest, succeeded: Bool, context: MiddlewareContext,
        remaining: Int? = nil, done: @escaping () -> Void
    ) {
        let remaining = remaining ?? middlewares.count
        guard remaining > 0 else { return done() }
        middlewares[remaining - 1].streamEnded(for: request, succeeded: succeeded, context: context) {
            streamEnded(for: request, succeeded: succeeded, context: context, remaining: remaining - 1, done: done)
        }
    }
}
