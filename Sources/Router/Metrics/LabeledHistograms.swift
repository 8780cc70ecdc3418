import Prometheus

/// One histogram per value of a single label, made on first use, all with
/// the same buckets.
final class LabeledHistograms {
    private let registry: PrometheusCollectorRegistry
    private let name: String
    private let label: String
    private let help: String
    private let buckets: [Double]
    /// Label values are few (routes), or looked up once per worker (see
    /// `RouterMetrics.recordProxied`).
    /// Unchecked: loop thread only, plain reads and writes (a checked
    /// access costs a thread-local lookup per request).
    @exclusivity(unchecked) private var histograms = LabelTable<ValueHistogram>()

    init(_ registry: PrometheusCollectorRegistry, name: String, label: String, buckets: [Double], help: String) {
        self.registry = registry
        self.name = name
        self.label = label
        self.buckets = buckets
        self.help = help
    }

    func record(_ value: Double, for labelValue: String) {
        histogram(for: labelValue).record(value)
    }

    /// The histogram of a label value, made on first use.
    func histogram(for labelValue: String) -> ValueHistogram {
        if let histogram = histograms[labelValue] { return histogram }
        let histogram = registry.makeValueHistogram(
            descriptor: describe(name, help), labels: [(label, labelValue)],
            buckets: buckets)
        histograms.add(labelValue, histogram)
        return histogram
    }

    /// Drops the series of every label value but `kept` (workers that left).
    func removeAll(except kept: Set<String>) {
        for histogram in histograms.removeAll(where: { !kept.contains($0) }) {
            registry.unregisterValueHistogram(histogram)
        }
    }
}
