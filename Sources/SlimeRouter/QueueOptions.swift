import ArgumentParser
import Router

/// The flags of waiting instead of failing (SGLang's gateway's names).
struct QueueOptions: ParsableArguments {
    @Option(help: "Proxied requests at workers at once, router-wide; more wait in the queue (-1: no limit).")
    var maxConcurrentRequests = -1

    // On by default: a fleet restarting or paused for a weight update should
    // make requests wait, not fail. Larger than SGLang's gateway's 100, since
    // RL rollouts run thousands at once: a queue smaller than that turns the
    // pause into 429s for most of them (the chaos soak's 300 conversations
    // got 34 K 429s in one all-workers-down window with 100). A waiting
    // request holds only its body.
    @Option(
        help:
            "Requests that may wait for a worker (none available, or --max-concurrent-requests reached); a full queue answers 429. 0: none waits, 503 at once."
    )
    var queueSize = 4096

    @Option(
        name: [.customLong("queue-timeout"), .customLong("queue-timeout-secs")],
        help: "Seconds a request may wait for a worker before a 503.")
    var queueTimeout = 60.0

    func validate() throws {
        guard maxConcurrentRequests == -1 || maxConcurrentRequests >= 1 else {
            throw ValidationError("--max-concurrent-requests must be -1 (no limit) or at least 1")
        }
        guard (0...1_000_000).contains(queueSize) else { throw ValidationError("--queue-size must be 0 to 1000000") }
        guard queueTimeout > 0, queueTimeout <= 86_400 else {
            throw ValidationError("--queue-timeout must be above 0 and at most 86400 seconds")
        }
    }

    var configuration: QueueConfiguration {
        var configuration = QueueConfiguration()
        configuration.maxConcurrentRequests = maxConcurrentRequests == -1 ? nil : maxConcurrentRequests
        configuration.queueSize = queueSize
        configuration.timeoutMilliseconds = UInt64((queueTimeout * 1000).rounded())
        return configuration
    }
}
