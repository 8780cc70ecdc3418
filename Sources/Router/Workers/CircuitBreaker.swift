/// How a worker's circuit breaker trips and recovers.
public struct CircuitBreakerConfiguration: Sendable {
    public var isEnabled = true
    /// Failed attempts within `windowMilliseconds` that open the circuit.
    public var failureThreshold = 5
    public var windowMilliseconds: UInt64 = 60_000
    /// How long an open circuit takes no requests before one probe may go.
    public var coolDownMilliseconds: UInt64 = 30_000
    /// Successful probes in a row that close it again.
    public var successThreshold = 2

    public init() {}
}

/// One worker's circuit breaker, pure: every call says what time it is.
///
/// Closed, requests flow; `failureThreshold` failures within the window
/// open it. Open, the worker gets no requests until the cool-down has
/// passed, or until the worker answers a health check (a restarted worker
/// takes traffic again at once; SGLang's gateway waits out the cool-down);
/// it is then half-open: one request at a time goes as a probe. A failed
/// probe opens it again for a whole cool-down, which health checks no longer
/// cut short until it has closed or a health check has failed: a worker that
/// answers them but fails its requests gets a probe per cool-down, not one
/// per health-check interval.
/// `successThreshold` successful probes in a row close it. What counts as a
/// failure is the caller's call (the worker's own failures, never 4xx or the
/// router's).
struct CircuitBreaker {
    enum State: String {
        case closed
        case open
        case halfOpen = "half_open"
    }

    let configuration: CircuitBreakerConfiguration
    /// When it goes half-open; nil when closed.
    private var halfOpensAt: UInt64?
    /// The most recent failures while closed, oldest first, at most `failureThreshold`.
    private var recentFailures: [UInt64] = []
    /// Successful probes in a row while half-open.
    private var probeSuccesses = 0
    /// A probe failed since the circuit last closed, or since the worker last
    /// failed a health check: health checks vouch for the worker no more.
    private var probeFailed = false

    init(_ configuration: CircuitBreakerConfiguration) {
        self.configuration = configuration
    }

    func state(now: UInt64) -> State {
        guard let halfOpensAt else { return .closed }
        return now >= halfOpensAt ? .halfOpen : .open
    }

    /// Whether the worker may take a request now, with `inFlight` already running there.
    func admits(now: UInt64, inFlight: Int) -> Bool {
        switch state(now: now) {
        case .closed: true
        case .open: false
        case .halfOpen: inFlight == 0
        }
    }

    mutating func recordFailure(now: UInt64) {
        guard configuration.isEnabled else { return }
        switch state(now: now) {
        case .closed:
            recentFailures.append(now)
            if recentFailures.count > configuration.failureThreshold { recentFailures.removeFirst() }
            let window = configuration.windowMilliseconds * 1_000_000
            if recentFailures.count == configuration.failureThreshold, now - recentFailures[0] <= window {
                open(now: now)
            }
        case .halfOpen:
            open(now: now)
            probeFailed = true
        case .open:
            break  // an attempt started before it opened
        }
    }

    mutating func recordSuccess(now: UInt64) {
        guard case .halfOpen = state(now: now) else { return }
        probeSuccesses += 1
        if probeSuccesses >= configuration.successThreshold {
            halfOpensAt = nil
            probeSuccesses = 0
            probeFailed = false
        }
    }

    /// The worker answered a health check: an open circuit goes half-open now
    /// rather than at the end of its cool-down, unless a probe has failed
    /// since it last closed; requests then decide.
    mutating func recordHealthy(now: UInt64) {
        if !probeFailed, case .open = state(now: now) { halfOpensAt = now }
    }

    /// The worker failed a health check: it went down, so once it answers
    /// again (restarted), that may end the cool-down, failed probe or not.
    mutating func recordUnhealthy() {
        probeFailed = false
    }

    private mutating func open(now: UInt64) {
        halfOpensAt = now + configuration.coolDownMilliseconds * 1_000_000
        recentFailures.removeAll()
        probeSuccesses = 0
    }
}
