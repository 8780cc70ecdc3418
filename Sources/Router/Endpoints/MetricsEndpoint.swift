import HTTPServer
import JSON

/// `GET /metrics`: the original's JSON by default; Prometheus text when the
/// scraper asks for it (`Accept: text/plain` or OpenMetrics, as Prometheus
/// sends) or with `?format=prometheus`.
struct MetricsEndpoint {
    let pool: WorkerPool
    let metrics: RouterMetrics
    let server: () -> HTTPServer?

    func respond(_ request: HTTPRequest) -> HTTPResponse {
        if wantsPrometheus(request) {
            let body = metrics.prometheusText(pool: pool, openConnections: server()?.connectionCount ?? 0,
                                              rejected: server()?.rejectedRequests ?? [:])
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: body)
        }
        return .json(200, JSONValue.object([
            ("router", .object([
                ("active_workers", .int(pool.availableWorkers.count)),
                ("worker_loads", WorkerEndpoints(pool: pool).workerLoads()),
                ("total_in_flight", .int(pool.totalInFlight)),
            ])),
        ]).serialized())
    }

    private func wantsPrometheus(_ request: HTTPRequest) -> Bool {
        if let format = request.queryParameter("format") { return format == "prometheus" }
        guard let accept = request.headers["accept"]?.lowercased() else { return false }
        return accept.contains("openmetrics") || (accept.contains("text/plain") && !accept.contains("application/json"))
    }
}
