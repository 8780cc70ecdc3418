import ArgumentParser
import Router

/// The circuit breaker flags, spelled as SGLang's gateway spells them.
struct CircuitBreakerOptions: ParsableArguments {
    @Option(help: "Failed attempts at a worker, within the window, that open its circuit (no requests until the cool-down passed).")
    var cbFailureThreshold = 5

    @Option(help: "Successful probes in a row that close a half-open circuit.")
    var cbSuccessThreshold = 2

    @Option(help: "Seconds an open circuit takes no requests before one probe may go.")
    var cbTimeoutDurationSecs = 30.0

    @Option(help: "Seconds within which the failures that open a circuit must fall.")
    var cbWindowDurationSecs = 60.0

    @Flag(help: "Never open a worker's circuit.")
    var disableCircuitBreaker = false

    func validate() throws {
        guard (1...1_000_000).contains(cbFailureThreshold) else { throw ValidationError("--cb-failure-threshold must be at least 1") }
        guard (1...1_000_000).contains(cbSuccessThreshold) else { throw ValidationError("--cb-success-threshold must be at least 1") }
        guard cbTimeoutDurationSecs > 0, cbTimeoutDurationSecs <= 86_400 else {
            throw ValidationError("--cb-timeout-duration-secs must be above 0 and at most 86400")
        }
        guard cbWindowDurationSecs > 0, cbWindowDurationSecs <= 86_400 else {
            throw ValidationError("--cb-window-duration-secs must be above 0 and at most 86400")
        }
    }

    var configuration: CircuitBreakerConfiguration {
        var configuration = CircuitBreakerConfiguration()
        configuration.isEnabled = !disableCircuitBreaker
        configuration.failureThreshold = cbFailureThreshold
        configuration.successThreshold = cbSuccessThreshold
        configuration.coolDownMilliseconds = UInt64((cbTimeoutDurationSecs * 1000).rounded())
        configuration.windowMilliseconds = UInt64((cbWindowDurationSecs * 1000).rounded())
        return configuration
    }
}
