import EventLoop
import HTTPServer
import WorkerClient

/// One inference worker as the router sees it.
public final class Worker {
    /// Base URL without a trailing slash, e.g. `http://10.0.0.5:30001`.
    public let url: String
    /// The URL read once, for the worker client.
    public let address: WorkerAddress
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    /// Requests sent to it and not yet answered.
    @exclusivity(unchecked) public internal(set) var inFlight = 0
    @exclusivity(unchecked) public internal(set) var isHealthy = true
    /// Set once removed: in-flight requests finish, no new ones come.
    @exclusivity(unchecked) public internal(set) var isRemoved = false
    @exclusivity(unchecked) public internal(set) var totalRequests = 0
    /// Attempts here that failed: no connection, a broken one, a timeout,
    /// a 5xx answer. 4xx answers are the client's doing and do not count.
    @exclusivity(unchecked) public internal(set) var errors = 0
    /// `meta_info.weight_version` of the last `/generate` answer from it.
    @exclusivity(unchecked) public internal(set) var weightVersion: String?
    /// Its series of the per-worker request duration, once it answered
    /// (see `RouterMetrics.recordProxied`).
    @exclusivity(unchecked) var requestDurationSeries: LoopHistogram?
    @exclusivity(unchecked) var consecutiveFailures = 0
    @exclusivity(unchecked) var consecutiveSuccesses = 0
    @exclusivity(unchecked) var circuit: CircuitBreaker

    init(url: String, circuitBreaker: CircuitBreakerConfiguration = .init()) {
        self.url = url
        address = WorkerAddress(url)
        circuit = CircuitBreaker(circuitBreaker)
    }

    /// Healthy, registered, and its circuit lets a request through.
    var isAvailable: Bool {
        isHealthy && !isRemoved && circuit.admits(now: EventLoop.monotonicNanoseconds(), inFlight: inFlight)
    }

    var circuitState: CircuitBreaker.State { circuit.state(now: EventLoop.monotonicNanoseconds()) }

    /// An attempt here failed by the worker's doing: counted, and told to its circuit.
    func attemptFailed() {
        errors += 1
        circuit.recordFailure(now: EventLoop.monotonicNanoseconds())
    }

    /// The worker answered (below 500).
    func attemptSucceeded() {
        circuit.recordSuccess(now: EventLoop.monotonicNanoseconds())
    }

    /// The worker answered a health check.
    func healthCheckSucceeded() {
        circuit.recordHealthy(now: EventLoop.monotonicNanoseconds())
    }

    /// The worker failed a health check.
    func healthCheckFailed() {
        circuit.recordUnhealthy()
    }
}

/// Accepts `http(s)://host[:port][/prefix]`; returns it without a trailing slash.
/// Only characters a URL may hold are accepted (RFC 3986, ASCII), so neither
/// a control character nor the U+FFFD left by invalid UTF-8 in a query
/// reaches curl; a port, when given, is a number in 1...65535.
public func normalizedWorkerURL(_ text: String) -> String? {
    var url = text.trimmingASCIISpaces()
    guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
    while url.hasSuffix("/") { url.removeLast() }
    guard url.utf8.allSatisfy(isURLByte), !url.contains(where: { $0 == "?" || $0 == "#" }) else { return nil }
    let authority = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" }
    let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
    // The port follows the last ':' unless that is inside an IPv6 literal.
    if let colon = hostAndPort.lastIndex(of: ":"), hostAndPort[colon...].contains("]") == false {
        let port = hostAndPort[hostAndPort.index(after: colon)...]
        guard hostAndPort[..<colon].isEmpty == false, let number = Int(port), (1...65535).contains(number),
            port.utf8.allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
    } else if hostAndPort.isEmpty {
        return nil
    }
    return url
}

/// Printable ASCII other than space and the characters RFC 3986 excludes.
private func isURLByte(_ byte: UInt8) -> Bool {
    (0x21...0x7E).contains(byte) && !#""<>\^`{|}"#.utf8.contains(byte)
}
