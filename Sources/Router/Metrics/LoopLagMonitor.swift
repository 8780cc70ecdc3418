import EventLoop
import Prometheus

/// Records how late the event loop answers a wake-up (see `LoopLagProbe`):
/// the Prometheus histogram `slime_router_event_loop_lag_seconds` and the
/// largest lag since start.
final class LoopLagMonitor {
    private var probe: LoopLagProbe?
    private let histogram: ValueHistogram
    /// The largest lag seen, in seconds.
    private(set) var maxLagSeconds = 0.0

    init(registry: PrometheusCollectorRegistry) {
        histogram = registry.makeValueHistogram(
            descriptor: describe(
                "slime_router_event_loop_lag_seconds",
                "How long the event loop took to answer a probe's wake-up (--event-loop-lag-interval-ms)"),
            buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1])
    }

    /// Probes every `intervalMilliseconds`; 0 starts no probe.
    func start(loop: EventLoop, intervalMilliseconds: UInt64) {
        guard intervalMilliseconds > 0 else { return }
        // The monitor owns its probe: no checked reference back.
        probe = LoopLagProbe(loop: loop, intervalMicroseconds: intervalMilliseconds * 1000) { [unowned(unsafe) self] nanoseconds in
            let lag = Double(nanoseconds) / 1e9
            maxLagSeconds = max(maxLagSeconds, lag)
            histogram.record(lag)
        }
    }

    func stop() {
        probe?.stop()
        probe = nil
    }
}
