import HTTPServer
import JSON
import RadixCache

/// `GET /metrics`: the original's JSON by default; Prometheus text when the
/// scraper asks for it (`Accept: text/plain` or OpenMetrics, as Prometheus
/// sends) or with `?format=prometheus`.
struct MetricsEndpoint {
    let pool: WorkerPool
    let metrics: RouterMetrics
    let tokens: TokenCache?
    let lagMonitor: LoopLagMonitor
    let server: HTTPServer?
    let cacheConfiguration: RadixCache.Configuration

    func respond(_ request: HTTPRequest) -> HTTPResponse {
        if wantsPrometheus(request) {
            if let tokens { metrics.updateCacheGauges(tokens) }
            let body = metrics.prometheusText(
                pool: pool, openConnections: server?.connectionCount ?? 0,
                rejected: server?.rejectedRequests ?? [:])
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: body)
        }
        var sections: [(key: String, value: JSONValue)] = [
            (
                "router",
                .object([
                    ("active_workers", .int(pool.availableWorkers.count)),
                    ("worker_loads", WorkerEndpoints(pool: pool).workerLoads()),
                    ("total_in_flight", .int(pool.totalInFlight)),
                    ("retries", .int(metrics.retries.total)),
                    ("aborted_generations", .int(metrics.aborts.total)),
                    ("forwarded_aborts", .int(metrics.forwardedAborts.total)),
                    ("cache_aware_routed", .int(cacheAware?.routedToPreferred ?? 0)),
                    ("cache_aware_diverted", .int(cacheAware?.divertedFromPreferred ?? 0)),
                    ("event_loop_max_lag_ms", .double(lagMonitor.maxLagSeconds * 1000)),
                ])
            )
        ]
        if let tokens { sections.append(("cache", cacheSection(tokens))) }
        return .json(200, JSONValue.object(sections).serialized())
    }

    /// The original's `cache` keys, then ours (token-level figures).
    private func cacheSection(_ tokens: TokenCache) -> JSONValue {
        let stats = tokens.cache.statistics
        let served = tokens.tokensFromCache + tokens.tokensTokenized
        return .object([
            ("total_entries", .int(stats.entries)),
            ("cache_hits", .int(stats.hits)),
            ("cache_misses", .int(stats.misses)),
            ("hit_rate", .double(stats.hitRate)),
            ("cur_cache_size", .int(stats.cachedTokens)),
            ("max_cache_size", .int(cacheConfiguration.maxTokens)),
            ("cache_size_mb", .double(Double(stats.bytesUsed) / 1_048_576)),
            ("gc_threshold_k", .int(cacheConfiguration.versionWindow)),
            ("nodes", .int(stats.nodes)),
            ("bytes_used", .int(stats.bytesUsed)),
            ("max_cache_bytes", .int(cacheConfiguration.maxBytes)),
            ("prompt_tokens_from_cache", .int(tokens.tokensFromCache)),
            ("prompt_tokens_tokenized", .int(tokens.tokensTokenized)),
            ("token_hit_rate", .double(served == 0 ? 0 : Double(tokens.tokensFromCache) / Double(served))),
            ("trajectories_stored", .int(tokens.trajectoriesStored)),
            ("trajectories_not_stored", .int(tokens.trajectoriesNotStored.values.reduce(0, +))),
            ("trajectories_not_stored_by_reason", notStoredByReason(tokens)),
            ("evicted_nodes", .int(stats.evictedNodes)),
            ("evicted_tokens", .int(stats.evictedTokens)),
        ])
    }

    private func notStoredByReason(_ tokens: TokenCache) -> JSONValue {
        .object(NotStoredReason.allCases.map { ($0.rawValue, .int(tokens.trajectoriesNotStored[$0] ?? 0)) })
    }

    private var cacheAware: CacheAwarePolicy? { pool.policy as? CacheAwarePolicy }

    private func wantsPrometheus(_ request: HTTPRequest) -> Bool {
        if let format = request.queryParameter("format") { return format == "prometheus" }
        guard let accept = request.headers["accept"]?.lowercased() else { return false }
        return accept.contains("openmetrics") || (accept.contains("text/plain") && !accept.contains("application/json"))
    }
}
