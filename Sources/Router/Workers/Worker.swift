/// One inference worker as the router sees it.
public final class Worker {
    /// Base URL without a trailing slash, e.g. `http://10.0.0.5:30001`.
    public let url: String
    /// Requests sent to it and not yet answered.
    public internal(set) var inFlight = 0
    public internal(set) var isHealthy = true
    /// Set once removed: in-flight requests finish, no new ones come.
    public internal(set) var isRemoved = false
    public internal(set) var totalRequests = 0
    var consecutiveFailures = 0
    var consecutiveSuccesses = 0

    init(url: String) { self.url = url }

    var isAvailable: Bool { isHealthy && !isRemoved }
}

/// Accepts `http(s)://host[:port][/prefix]`; returns it without a trailing slash.
public func normalizedWorkerURL(_ text: String) -> String? {
    var url = text.trimmingCharacters(in: [" ", "\t"])
    guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
    while url.hasSuffix("/") { url.removeLast() }
    let host = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" && $0 != "?" }
    guard !host.isEmpty, !url.contains(where: { $0 == " " || $0 == "?" || $0 == "#" }) else { return nil }
    return url
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
