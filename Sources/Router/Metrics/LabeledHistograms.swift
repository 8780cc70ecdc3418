import Prometheus

/// One histogram per value of a single label, made on first use, all with
/// the same buckets.
final class LabeledHistograms {
    private let registry: PrometheusCollectorRegistry
    private let name: String
    private let label: String
    private let help: String
    private let buckets: [Double]
    private var histograms: [String: ValueHistogram] = [:]

    init(_ registry: PrometheusCollectorRegistry, name: String, label: String, buckets: [Double], help: String) {
        self.registry = registry
        self.name = name
        self.label = label
        self.buckets = buckets
        self.help = help
    }

    func record(_ value: Double, for labelValue: String) {
        if let histogram = histograms[labelValue] { return histogram.record(value) }
        let histogram = registry.makeValueHistogram(
            descriptor: describe(name, help), labels: [(label, labelValue)],
            buckets: buckets)
        histograms[labelValue] = histogram
        histogram.record(value)
    }

    /// Drops a label value's series (a worker that left).
    func remove(_ labelValue: String) {
        guard let histogram = histograms.removeValue(forKey: labelValue) else { return }
        registry.unregisterValueHistogram(histogram)
    }
}
