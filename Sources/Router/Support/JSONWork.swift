import EventLoop

/// Work on JSON bodies (parsing, scanning, writing) that stays on the loop
/// for small bodies and moves to the thread pool for large ones (a thread
/// hop costs ~10 µs; parsing a megabyte costs milliseconds the loop must
/// not spend).
enum JSONWork {
    private static let inlineLimit = 64 * 1024

    /// Runs `work` on a JSON body of `bodyBytes` bytes: on the loop up to
    /// `inlineLimit`, else on the thread pool.
    static func run<Value, Failure: Error>(
        on loop: EventLoop, bodyBytes: Int, _ work: @escaping @Sendable () throws(Failure) -> Value,
        then completion: @escaping (Result<Value, Failure>) -> Void
    ) {
        run(on: loop, inline: bodyBytes <= inlineLimit, work, then: completion)
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
