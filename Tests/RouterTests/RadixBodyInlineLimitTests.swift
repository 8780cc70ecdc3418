import EventLoop
import Logging
import Testing
import TestSupport
import Tokenizer
@testable import Router

/// The radix middleware parses a `/generate` body of up to
/// `JSONWork.inlineLimit` bytes on the loop, sending it on at once, and a
/// larger one on the thread pool; the worker gets the same rewritten body
/// either way.
@Suite struct RadixBodyInlineLimitTests {
    static let tokenizer = Result { try Tokenizer.load(directory: try TokenizerFixtures.qwen3Directory()) }

    /// A text request of exactly `bytes` bytes, padded in a member the
    /// middleware passes through.
    static func request(bytes: Int) -> String {
        let head = #"{"text":"Hello there","sampling_params":{"max_new_tokens":8},"pad":""#
        let tail = #""}"#
        return head + String(repeating: "p", count: bytes - head.utf8.count - tail.utf8.count) + tail
    }

    @Test(arguments: [JSONWork.inlineLimit, JSONWork.inlineLimit + 1])
    func aBodyIsParsedOnTheLoopUpToTheLimitOnly(bytes: Int) throws {
        let tokenizer = try Self.tokenizer.get()
        // The cache's own loop: nothing is stored here, only requests prepared.
        let tokens = TokenCache(
            tokenizer: tokenizer, configuration: .init(), loop: EventLoop(), logger: Logger(label: "radix-inline-limit"))
        let router = InProcessRouter(middlewares: [RadixTreeMiddleware(tokens: tokens, affinity: nil)])
        let body = Self.request(bytes: bytes)
        #expect(body.utf8.count == bytes)
        router.send("POST", "/generate", body: body)
        #expect(router.upstream.calls.count == (bytes <= JSONWork.inlineLimit ? 1 : 0))
        router.runUntilCalls(1)
        try #require(router.upstream.calls.count == 1)
        let ids = tokenizer.encode("Hello there").map(String.init).joined(separator: ",")
        let sent = String(decoding: router.upstream.last.request.body, as: UTF8.self)
        #expect(sent.hasPrefix(#"{"input_ids":[\#(ids)],"sampling_params":{"max_new_tokens":8},"pad":"ppp"#))
        #expect(sent.hasSuffix(#"p","return_logprob":true}"#))
    }
}
