import Prometheus

/// One worker's series, brought up to date when scraped: in-flight requests
/// health and circuit state (gauges), requests sent and failed attempts
/// (counters, from the worker's own counts).
final class WorkerSeries {
    private let inFlight: Gauge
    private let healthy: Gauge
    private let requests: MirroredCounter
    private let errors: MirroredCounter
    /// 1 for the circuit's state, 0 for the others.
    private let circuit: [(state: CircuitBreaker.State, gauge: Gauge)]

    init(_ registry: PrometheusCollectorRegistry, url: String) {
        let labels = [("worker", url)]
        inFlight = registry.makeGauge(
            descriptor: describe("slime_router_worker_in_flight", "Requests at this worker now"),
            labels: labels)
        healthy = registry.makeGauge(
            descriptor: describe("slime_router_worker_healthy", "1 when the worker receives requests"),
            labels: labels)
        requests = MirroredCounter(
            registry.makeCounter(
                descriptor: describe("slime_router_worker_requests_total", "Requests sent to this worker, retries included"),
                labels: labels))
        errors = MirroredCounter(
            registry.makeCounter(
                descriptor: describe(
                    "slime_router_worker_errors_total",
                    "Failed attempts at this worker: no connection, broken, timed out, or a 5xx answer"),
                labels: labels))
        circuit = [CircuitBreaker.State.closed, .open, .halfOpen].map { state in
            (
                state,
                registry.makeGauge(
                    descriptor: describe("slime_router_worker_circuit_state", "1 for the state this worker's circuit breaker is in"),
                    labels: labels + [("state", state.rawValue)])
            )
        }
    }

    func update(_ worker: Worker) {
        inFlight.set(Double(worker.inFlight))
        healthy.set(worker.isAvailable ? 1.0 : 0.0)
        requests.raise(to: worker.totalRequests)
        errors.raise(to: worker.errors)
        let state = worker.circuitState
        for (each, gauge) in circuit { gauge.set(each == state ? 1.0 : 0.0) }
    }

    func unregister(from registry: PrometheusCollectorRegistry) {
        registry.unregisterGauge(inFlight)
        registry.unregisterGauge(healthy)
        registry.unregisterCounter(requests.counter)
        registry.unregisterCounter(errors.counter)
        for (_, gauge) in circuit { registry.unregisterGauge(gauge) }
    }
}
