/// One histogram series kept by the loop thread alone: an observation
/// raises one bucket's count, the sum and the total, with no lock.
/// swift-prometheus's `Histogram` takes a mutex and raises every bucket
/// the value falls in, about 430 instructions, and a proxied request
/// records two. The cumulative counts are added up when scraped.
final class LoopHistogram {
    private let upperBounds: [Double]
    /// Observations per bucket, not cumulative; the last one is `+Inf`'s.
    @exclusivity(unchecked) private var counts: [Int]
    @exclusivity(unchecked) private var sum = 0.0
    @exclusivity(unchecked) private var count = 0

    init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        counts = Array(repeating: 0, count: upperBounds.count + 1)
    }

    func record(_ value: Double) {
        // Durations fall in the first buckets: a scan from the start.
        // (`!(>=)`: a NaN counts in `+Inf` only, as Prometheus's clients do.)
        var index = 0
        while index < upperBounds.count, !(upperBounds[index] >= value) { index += 1 }
        counts.withUnsafeMutableBufferPointer { $0[index] += 1 }
        sum += value
        count += 1
    }

    /// Appends the series' lines in Prometheus's text format, `labels`
    /// (already spelled, `name="value"`; every series has its label) on
    /// each: a `_bucket` line per bound with its cumulative count, then
    /// `+Inf`, `_sum` and `_count`.
    func emit(name: String, labels: String, into text: inout String) {
        var cumulative = 0
        for (bound, bucketCount) in zip(upperBounds, counts) {
            cumulative += bucketCount
            text += "\(name)_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
        }
        text += "\(name)_bucket{\(labels),le=\"+Inf\"} \(count)\n"
        text += "\(name)_sum{\(labels)} \(sum)\n"
        text += "\(name)_count{\(labels)} \(count)\n"
    }
}
