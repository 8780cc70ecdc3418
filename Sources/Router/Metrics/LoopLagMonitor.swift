import EventLoop
import Prometheus

/// Measures how late the loop runs a timer that should fire every
/// `interval` ms: a blocked loop shows up as lag.
final class LoopLagMonitor {
    private var timer: LoopTimer?
    private var expectedAt: UInt64 = 0
    private let intervalNanoseconds: UInt64
    private let histogram: ValueHistogram
    /// The largest lag seen, in seconds.
    private(set) var maxLagSeconds = 0.0

    init(registry: PrometheusCollectorRegistry, intervalMilliseconds: UInt64 = 50) {
        intervalNanoseconds = intervalMilliseconds * 1_000_000
        histogram = registry.makeValueHistogram(
            descriptor: describe("slime_router_event_loop_lag_seconds", "How late the event loop ran a periodic timer"),
            buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1])
    }

    func start(loop: EventLoop) {
        expectedAt = EventLoop.monotonicNanoseconds() + intervalNanoseconds
        timer = loop.repeating(everyMilliseconds: intervalNanoseconds / 1_000_000) { [unowned self] in
            let now = EventLoop.monotonicNanoseconds()
            let lag = Double(now > expectedAt ? now - expectedAt : 0) / 1e9
            maxLagSeconds = max(maxLagSeconds, lag)
            histogram.record(lag)
            expectedAt = now + intervalNanoseconds
        }
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }
}
