/// One histogram per value of a single label, made on first use, all with
/// the same buckets: a family of `LoopHistogram`s, rendered after the
/// registry's metrics when scraped (`emit(into:)`), in the text
/// swift-prometheus gives its own histograms.
final class LabeledHistograms {
    private let name: String
    private let label: String
    private let help: String
    private let buckets: [Double]
    /// Label values are few (routes), or looked up once per worker (see
    /// `RouterMetrics.recordProxied`).
    /// Unchecked: loop thread only, plain reads and writes (a checked
    /// access costs a thread-local lookup per request).
    @exclusivity(unchecked) private var histograms = LabelTable<LoopHistogram>()

    init(name: String, label: String, buckets: [Double], help: String) {
        self.name = name
        self.label = label
        self.buckets = buckets
        self.help = help
    }

    func record(_ value: Double, for labelValue: String) {
        histogram(for: labelValue).record(value)
    }

    /// The histogram of a label value, made on first use.
    func histogram(for labelValue: String) -> LoopHistogram {
        if let histogram = histograms[labelValue] { return histogram }
        let histogram = LoopHistogram(upperBounds: buckets)
        histograms.add(labelValue, histogram)
        return histogram
    }

    /// Drops the series of every label value but `kept` (workers that left).
    func removeAll(except kept: Set<String>) {
        histograms.removeAll(where: { !kept.contains($0) })
    }

    /// Appends the family: its help and type, then each series in the
    /// order made. Nothing while it has no series, as the registry does.
    func emit(into text: inout String) {
        let series = histograms.entries
        guard !series.isEmpty else { return }
        text += "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\"))\n"
        text += "# TYPE \(name) histogram\n"
        for (value, histogram) in series {
            histogram.emit(name: name, labels: "\(label)=\"\(Self.escapedLabelValue(value))\"", into: &text)
        }
    }

    /// A label value in the text format: backslash, quote and line feed escaped.
    private static func escapedLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
