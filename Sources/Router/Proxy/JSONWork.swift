import EventLoop

/// Work on JSON bodies (parsing, scanning, writing) that stays on the loop
/// for small bodies and moves to the thread pool for large ones (a thread
/// hop costs ~10 µs; parsing a megabyte costs milliseconds the loop must
/// not spend).
enum JSONWork {
    static let inlineLimit = 64 * 1024

    /// Runs `work` on the loop when `inline`, else on the thread pool.
    static func run<Value, Failure: Error>(
        on loop: EventLoop, inline: Bool, _ work: @escaping @Sendable () throws(Failure) -> Value,
        then completion: @escaping (Result<Value, Failure>) -> Void
    ) {
        if inline { return completion(Result(catching: work)) }
        loop.offload({ Result(catching: work) }, then: completion)
    }
}
