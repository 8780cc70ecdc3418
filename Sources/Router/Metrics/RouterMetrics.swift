import EventLoop
import Prometheus

/// Counters and histograms of the router, kept in a Prometheus registry
/// (swift-prometheus). Gauges that mirror state (worker loads, health) are
/// set when scraped rather than on every request.
final class RouterMetrics {
    let registry = PrometheusCollectorRegistry()
    let requests: LabeledCounters
    let proxied: LabeledCounters
    let upstreamErrors: LabeledCounters
    let rejected: LabeledCounters
    let retries: LabeledCounters
    let aborts: LabeledCounters
    private let proxyDuration: ValueHistogram
    private var workerGauges: [String: (inFlight: Gauge, healthy: Gauge)] = [:]
    private let activeWorkers: Gauge
    private let totalInFlight: Gauge
    private let openConnections: Gauge
    private lazy var cacheGauges: [String: Gauge] = [:]

    init() {
        requests = LabeledCounters(registry, name: "slime_router_requests_total", label: "route",
                                   help: "Requests received, by route")
        proxied = LabeledCounters(registry, name: "slime_router_proxied_requests_total", label: "outcome",
                                  help: "Requests relayed to workers, by outcome")
        upstreamErrors = LabeledCounters(registry, name: "slime_router_upstream_errors_total", label: "kind",
                                         help: "Failed worker calls, by kind")
        rejected = LabeledCounters(registry, name: "slime_router_rejected_requests_total", label: "status",
                                   help: "Requests refused by the HTTP layer (400, 408, 413, 431)")
        retries = LabeledCounters(registry, name: "slime_router_retries_total", label: "reason",
                                  help: "Requests sent again to a worker, by reason")
        aborts = LabeledCounters(registry, name: "slime_router_aborted_generations_total", label: "route",
                                 help: "Worker answers whose finish_reason was abort")
        proxyDuration = registry.makeValueHistogram(
            descriptor: describe("slime_router_proxy_duration_seconds",
                                 "Time from a proxied request's arrival to its last response byte"),
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120])
        activeWorkers = registry.makeGauge(descriptor: describe("slime_router_active_workers", "Healthy registered workers"))
        totalInFlight = registry.makeGauge(descriptor: describe("slime_router_in_flight_requests", "Requests at workers now"))
        openConnections = registry.makeGauge(descriptor: describe("slime_router_open_connections", "Client connections open"))
    }

    func recordProxied(outcome: String, seconds: Double) {
        proxied.increment(outcome)
        proxyDuration.record(seconds)
    }

    /// Mirrors the cache's figures into gauges (they are counted elsewhere).
    func updateCacheGauges(_ tokens: TokenCache) {
        let stats = tokens.cache.statistics
        let values: [(String, String, Int)] = [
            ("slime_router_cache_entries", "Trajectories in the radix cache", stats.entries),
            ("slime_router_cache_tokens", "Tokens held by the radix cache", stats.cachedTokens),
            ("slime_router_cache_bytes", "Bytes used by the radix cache", stats.bytesUsed),
            ("slime_router_cache_lookup_hits", "Cache lookups that matched a prefix", stats.hits),
            ("slime_router_cache_lookup_misses", "Cache lookups that matched nothing", stats.misses),
            ("slime_router_cache_evicted_tokens", "Tokens evicted from the radix cache", stats.evictedTokens),
            ("slime_router_prompt_tokens_from_cache", "Prompt tokens served from the cache", tokens.tokensFromCache),
            ("slime_router_prompt_tokens_tokenized", "Prompt tokens tokenized by the router", tokens.tokensTokenized),
            ("slime_router_trajectories_stored", "Generations stored in the cache", tokens.trajectoriesStored),
        ]
        for (name, help, value) in values {
            let gauge = cacheGauges[name] ?? registry.makeGauge(descriptor: describe(name, help))
            cacheGauges[name] = gauge
            gauge.set(Double(value))
        }
        for reason in NotStoredReason.allCases {
            let key = "not_stored_" + reason.rawValue
            let gauge = cacheGauges[key] ?? registry.makeGauge(
                descriptor: describe("slime_router_trajectories_not_stored", "Finished generations not stored in the cache, by reason"),
                labels: [("reason", reason.rawValue)])
            cacheGauges[key] = gauge
            gauge.set(Double(tokens.trajectoriesNotStored[reason] ?? 0))
        }
    }

    /// Brings the state gauges up to date and renders the exposition text.
    func prometheusText(pool: WorkerPool, openConnections connections: Int, rejected counts: [Int: Int]) -> [UInt8] {
        var seen: Set<String> = []
        for worker in pool.workers {
            seen.insert(worker.url)
            let gauges = workerGauges[worker.url] ?? (
                inFlight: registry.makeGauge(descriptor: describe("slime_router_worker_in_flight", "Requests at this worker now"), labels: [("worker", worker.url)]),
                healthy: registry.makeGauge(descriptor: describe("slime_router_worker_healthy", "1 when the worker receives requests"), labels: [("worker", worker.url)]))
            workerGauges[worker.url] = gauges
            gauges.inFlight.set(Double(worker.inFlight))
            gauges.healthy.set(worker.isAvailable ? 1.0 : 0.0)
        }
        for (url, gauges) in workerGauges where !seen.contains(url) {
            registry.unregisterGauge(gauges.inFlight)
            registry.unregisterGauge(gauges.healthy)
            workerGauges[url] = nil
        }
        activeWorkers.set(Int64(pool.availableWorkers.count))
        totalInFlight.set(Int64(pool.totalInFlight))
        openConnections.set(Int64(connections))
        for (status, count) in counts { rejected.set(String(status), to: count) }
        return registry.emitToBuffer()
    }
}

/// One counter per value of a single label, made on first use.
final class LabeledCounters {
    private let registry: PrometheusCollectorRegistry
    private let name: String
    private let label: String
    private let help: String
    private var counters: [String: Counter] = [:]
    private var values: [String: Int] = [:]

    init(_ registry: PrometheusCollectorRegistry, name: String, label: String, help: String) {
        self.registry = registry
        self.name = name
        self.label = label
        self.help = help
    }

    func increment(_ value: String, by amount: Int = 1) {
        counter(value).increment(by: Int64(amount))
        values[value, default: 0] += amount
    }

    /// Raises the counter to `total`, for counts kept elsewhere.
    func set(_ value: String, to total: Int) {
        let current = values[value, default: 0]
        if total > current { increment(value, by: total - current) }
    }

    var total: Int { values.values.reduce(0, +) }

    private func counter(_ value: String) -> Counter {
        if let counter = counters[value] { return counter }
        let counter = registry.makeCounter(descriptor: describe(name, help), labels: [(label, value)])
        counters[value] = counter
        return counter
    }
}

func describe(_ name: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
}

enum EventLoopClock {
    static func now() -> UInt64 { EventLoop.monotonicNanoseconds() }
    static func seconds(since start: UInt64) -> Double { Double(now() &- start) / 1e9 }
}
