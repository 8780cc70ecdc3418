import EventLoop
import Prometheus

/// Counters and histograms of the router, kept in a Prometheus registry
/// (swift-prometheus), but for the two histograms every request records,
/// which the loop keeps itself (`LabeledHistograms`). Gauges that mirror state (worker loads, health) are
/// set when scraped rather than on every request, and so are counters kept
/// elsewhere (the cache's, the workers'): raised to their totals.
///
/// Prometheus conventions: counters end in `_total`, names carry their
/// unit (`_seconds`, `_bytes`, `_tokens`).
final class RouterMetrics {
    let registry = PrometheusCollectorRegistry()
    let requests: LabeledCounters
    let proxied: LabeledCounters
    let upstreamErrors: LabeledCounters
    let rejected: LabeledCounters
    let retries: LabeledCounters
    let aborts: LabeledCounters
    let forwardedAborts: LabeledCounters
    let unauthorized: LabeledCounters
    let shed: LabeledCounters
    /// Arrival to last response byte, by route (`generate`, `proxy` for
    /// other proxied paths, or the router's own route).
    private let requestDuration: LabeledHistograms
    /// The same for proxied requests, by the worker that answered.
    private let workerRequestDuration: LabeledHistograms
    /// Streamed `/generate` (see `GenerateStreamWatch`).
    let timeToFirstToken: ValueHistogram
    let timePerOutputToken: ValueHistogram
    /// Requests waiting for a worker now, and how long each waited (see `WaitingRoom`).
    let queueDepth: Gauge
    let queueWait: ValueHistogram
    private var workerSeries: [String: WorkerSeries] = [:]
    private let activeWorkers: Gauge
    private let totalInFlight: Gauge
    private let openConnections: Gauge
    private lazy var cacheGauges: [String: Gauge] = [:]
    private lazy var cacheCounters: [String: MirroredCounter] = [:]
    private lazy var notStored = LabeledCounters(
        registry, name: "slime_router_trajectories_not_stored_total", label: "reason",
        help: "Finished generations not stored in the cache, by reason")

    init() {
        requests = LabeledCounters(
            registry, name: "slime_router_requests_total", label: "route",
            help: "Requests received, by route")
        proxied = LabeledCounters(
            registry, name: "slime_router_proxied_requests_total", label: "outcome",
            help: "Requests relayed to workers, by outcome")
        upstreamErrors = LabeledCounters(
            registry, name: "slime_router_upstream_errors_total", label: "kind",
            help: "Failed worker calls, by kind")
        rejected = LabeledCounters(
            registry, name: "slime_router_rejected_requests_total", label: "status",
            help: "Requests refused by the HTTP layer (400, 408, 413, 431)")
        retries = LabeledCounters(
            registry, name: "slime_router_retries_total", label: "reason",
            help: "Requests sent again to a worker, by reason")
        aborts = LabeledCounters(
            registry, name: "slime_router_aborted_generations_total", label: "route",
            help: "Worker answers whose finish_reason was abort")
        forwardedAborts = LabeledCounters(
            registry, name: "slime_router_forwarded_aborts_total", label: "reason",
            help: "Aborts the router sent to workers: client_request (POST /abort_request), client_gone (a client hung up mid-generation)")
        unauthorized = LabeledCounters(
            registry, name: "slime_router_unauthorized_requests_total", label: "route",
            help: "Requests refused for a missing or wrong key, by route")
        shed = LabeledCounters(
            registry, name: "slime_router_shed_requests_total", label: "reason",
            help: "Requests answered 503 with Retry-After without reaching a worker, by reason")
        let durationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
        requestDuration = LabeledHistograms(
            name: "slime_router_request_duration_seconds", label: "route", buckets: durationBuckets,
            help: "Time from a request's arrival to its last response byte, by route")
        workerRequestDuration = LabeledHistograms(
            name: "slime_router_worker_request_duration_seconds", label: "worker", buckets: durationBuckets,
            help: "Time from a proxied request's arrival to its last response byte, by the worker that answered")
        timeToFirstToken = registry.makeValueHistogram(
            descriptor: describe(
                "slime_router_time_to_first_token_seconds",
                "Streamed /generate: time from the request's arrival to the first answer byte relayed"),
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
        timePerOutputToken = registry.makeValueHistogram(
            descriptor: describe(
                "slime_router_time_per_output_token_seconds",
                "Streamed /generate: time from the first answer byte to the end, per token after the first"),
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1])
        queueDepth = registry.makeGauge(descriptor: describe("slime_router_queue_depth", "Requests waiting for a worker now"))
        queueWait = registry.makeValueHistogram(
            descriptor: describe(
                "slime_router_queue_wait_seconds",
                "Time a request waited for a worker, whether it then went or timed out"),
            buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120])
        activeWorkers = registry.makeGauge(descriptor: describe("slime_router_active_workers", "Healthy registered workers"))
        totalInFlight = registry.makeGauge(descriptor: describe("slime_router_in_flight_requests", "Requests at workers now"))
        openConnections = registry.makeGauge(descriptor: describe("slime_router_open_connections", "Client connections open"))
    }

    func recordProxied(outcome: String, route: String, worker: Worker?, seconds: Double) {
        proxied.increment(outcome)
        recordRequest(route: route, seconds: seconds)
        guard let worker else { return }
        // A removed worker's series goes at the next scrape, and the worker
        // may be registered again meanwhile: its last answers count in its
        // URL's series of the moment.
        if worker.isRemoved { return workerRequestDuration.record(seconds, for: worker.url) }
        // Found by URL once per worker, then held by it: a fleet's URLs are
        // not hashed on every request.
        let series = worker.requestDurationSeries ?? workerRequestDuration.histogram(for: worker.url)
        worker.requestDurationSeries = series
        series.record(seconds)
    }

    func recordRequest(route: String, seconds: Double) {
        requestDuration.record(seconds, for: route)
    }

    /// Mirrors the cache's figures into gauges (they are counted elsewhere).
    func updateCacheGauges(_ tokens: TokenCache) {
        let stats = tokens.cache.statistics
        let levels: [(String, String, Int)] = [
            ("slime_router_cache_entries", "Trajectories in the radix cache", stats.entries),
            ("slime_router_cache_tokens", "Tokens held by the radix cache", stats.cachedTokens),
            ("slime_router_cache_bytes", "Bytes used by the radix cache", stats.bytesUsed),
        ]
        for (name, help, value) in levels {
            let gauge = cacheGauges[name] ?? registry.makeGauge(descriptor: describe(name, help))
            cacheGauges[name] = gauge
            gauge.set(Double(value))
        }
        let totals: [(String, String, Int)] = [
            ("slime_router_cache_lookup_hits_total", "Cache lookups that matched a prefix", stats.hits),
            ("slime_router_cache_lookup_misses_total", "Cache lookups that matched nothing", stats.misses),
            ("slime_router_cache_evicted_tokens_total", "Tokens evicted from the radix cache", stats.evictedTokens),
            ("slime_router_prompt_tokens_from_cache_total", "Prompt tokens served from the cache", tokens.tokensFromCache),
            ("slime_router_prompt_tokens_tokenized_total", "Prompt tokens tokenized by the router", tokens.tokensTokenized),
            ("slime_router_trajectories_stored_total", "Generations stored in the cache", tokens.trajectoriesStored),
        ]
        for (name, help, value) in totals {
            let counter = cacheCounters[name] ?? MirroredCounter(registry.makeCounter(descriptor: describe(name, help)))
            cacheCounters[name] = counter
            counter.raise(to: value)
        }
        for reason in NotStoredReason.allCases {
            notStored.set(reason.rawValue, to: tokens.trajectoriesNotStored[reason] ?? 0)
        }
    }

    /// Brings the state gauges up to date and renders the exposition text.
    func prometheusText(pool: WorkerPool, openConnections connections: Int, rejected counts: [Int: Int]) -> [UInt8] {
        var seen: Set<String> = []
        for worker in pool.workers {
            seen.insert(worker.url)
            let series = workerSeries[worker.url] ?? WorkerSeries(registry, url: worker.url)
            workerSeries[worker.url] = series
            series.update(worker)
        }
        for (url, series) in workerSeries where !seen.contains(url) {
            series.unregister(from: registry)
            workerSeries[url] = nil
        }
        // Not with the series above: a worker's duration series is made at
        // its first answer, which may come with no scrape between its coming
        // and going, or after the scrape that saw it go.
        workerRequestDuration.removeAll(except: seen)
        activeWorkers.set(Int64(pool.availableWorkers.count))
        totalInFlight.set(Int64(pool.totalInFlight))
        openConnections.set(Int64(connections))
        for (status, count) in counts { rejected.set(String(status), to: count) }
        var loopHistograms = ""
        requestDuration.emit(into: &loopHistograms)
        workerRequestDuration.emit(into: &loopHistograms)
        return registry.emitToBuffer() + Array(loopHistograms.utf8)
    }
}

/// One counter per value of a single label, made on first use.
final class LabeledCounters {
    private let registry: PrometheusCollectorRegistry
    private let name: String
    private let label: String
    private let help: String
    /// Each label value's counter and its count (what `total` and `set`
    /// read). Label values are few (routes, outcomes, reasons): a scan
    /// comparing strings, which the literals every request passes match at
    /// once, costs less than hashing them.
    /// Unchecked, as `count`: loop thread only, plain reads and writes
    /// (a checked access costs a thread-local lookup per request).
    @exclusivity(unchecked) private var series = LabelTable<Series>()

    private final class Series {
        let counter: Counter
        @exclusivity(unchecked) var count = 0
        init(_ counter: Counter) { self.counter = counter }
    }

    init(_ registry: PrometheusCollectorRegistry, name: String, label: String, help: String) {
        self.registry = registry
        self.name = name
        self.label = label
        self.help = help
    }

    func increment(_ value: String, by amount: Int = 1) {
        let series = series(value)
        series.counter.increment(by: Int64(amount))
        series.count += amount
    }

    /// Raises the counter to `total`, for counts kept elsewhere.
    func set(_ value: String, to total: Int) {
        let current = series[value]?.count ?? 0
        if total > current { increment(value, by: total - current) }
    }

    var total: Int { series.values.reduce(0) { $0 + $1.count } }

    private func series(_ value: String) -> Series {
        if let series = series[value] { return series }
        let series = Series(registry.makeCounter(descriptor: describe(name, help), labels: [(label, value)]))
        self.series.add(value, series)
        return series
    }
}

/// A counter whose total is kept elsewhere, raised to it when scraped.
final class MirroredCounter {
    let counter: Counter
    private var reported = 0

    init(_ counter: Counter) { self.counter = counter }

    func raise(to total: Int) {
        if total > reported { counter.increment(by: Int64(total - reported)) }
        reported = max(reported, total)
    }
}

func describe(_ name: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
}

enum EventLoopClock {
    static func now() -> UInt64 { EventLoop.monotonicNanoseconds() }
    static func seconds(since start: UInt64) -> Double { Double(now() &- start) / 1e9 }
}
