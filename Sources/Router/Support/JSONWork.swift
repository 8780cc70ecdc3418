import EventLoop

/// Work on JSON bodies (parsing, scanning, writing) that stays on the loop
/// for small bodies and moves to the thread pool for large ones (a thread
/// hop costs ~10 µs; parsing a megabyte costs milliseconds the loop must
/// not spend).
enum JSONWork {
    static let inlineLimit = 64 * 1024

    /// Whether work on a body of `bytes` bytes stays on the loop.
    @inline(__always)
    static func isInline(bytes: Int) -> Bool { bytes <= inlineLimit }

    /// Runs `work` on `input`, a JSON body or what was read from one, of
    /// `bodyBytes` bytes. For the per-request checks of the proxy path:
    /// `work` is a plain function and `input` goes as an argument, so a small
    /// body, worked on at once, costs no closure context to allocate (nor,
    /// inlined, a thunk to pass a result of the caller's type generically).
    @inline(__always)
    static func run<Input: Sendable, Value>(
        on loop: EventLoop, bodyBytes: Int, _ input: Input, _ work: @escaping @Sendable (Input) -> Value,
        then completion: @escaping (Value) -> Void
    ) {
        if isInline(bytes: bodyBytes) { return completion(work(input)) }
        offload(on: loop, input, work, then: completion)
    }

    /// Runs `work` on `input` on the thread pool. Apart, so that the
    /// closure it makes is made only for a large body.
    @inline(never)
    static func offload<Input: Sendable, Value>(
        on loop: EventLoop, _ input: Input, _ work: @escaping @Sendable (Input) -> Value,
        then completion: @escaping (Value) -> Void
    ) {
        loop.offload({ work(input) }, then: completion)
    }

    /// Runs `work` on the loop when `inline`, else on the thread pool.
    static func run<Value, Failure: Error>(
        on loop: EventLoop, inline: Bool, _ work: @escaping @Sendable () throws(Failure) -> Value,
        then completion: @escaping (Result<Value, Failure>) -> Void
    ) {
        if inline { return completion(Result(catching: work)) }
        loop.offload({ Result(catching: work) }, then: completion)
    }
}
