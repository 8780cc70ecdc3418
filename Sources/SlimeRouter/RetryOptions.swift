import ArgumentParser
import Router

/// The retry flags: attempts, and waits that grow exponentially with jitter.
struct RetryOptions: ParsableArguments {
    @Option(help: "Attempts for a /generate that aborts or meets a worker error (the first included).")
    var retryAttempts = 5

    @Option(
        name: [.customLong("retry-initial-backoff"), .customLong("retry-backoff")],
        help: "Seconds to wait before the first resend of an aborted or failed /generate (--retry-backoff: the original's name).")
    var retryInitialBackoff = 1.0

    @Option(help: "Each later wait is the one before times this.")
    var retryBackoffMultiplier = 2.0

    @Option(help: "Longest wait between two attempts, in seconds.")
    var retryMaxBackoff = 30.0

    @Option(help: "Spread each wait by up to this fraction either way (0 to 1).")
    var retryJitter = 0.1

    func validate() throws {
        guard retryAttempts >= 1 else { throw ValidationError("--retry-attempts must be at least 1") }
        guard retryInitialBackoff >= 0, retryInitialBackoff <= 3600 else {
            throw ValidationError("--retry-initial-backoff must be 0 to 3600 seconds")
        }
        guard retryMaxBackoff >= retryInitialBackoff, retryMaxBackoff <= 3600 else {
            throw ValidationError("--retry-max-backoff must be at least --retry-initial-backoff and at most 3600 seconds")
        }
        guard retryBackoffMultiplier >= 1, retryBackoffMultiplier <= 100 else {
            throw ValidationError("--retry-backoff-multiplier must be 1 to 100")
        }
        guard (0...1).contains(retryJitter) else { throw ValidationError("--retry-jitter must be 0 to 1") }
    }

    var policy: RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = retryAttempts
        policy.initialBackoffMilliseconds = UInt64((retryInitialBackoff * 1000).rounded())
        policy.maxBackoffMilliseconds = UInt64((retryMaxBackoff * 1000).rounded())
        policy.backoffMultiplier = retryBackoffMultiplier
        policy.jitter = retryJitter
        return policy
    }
}
