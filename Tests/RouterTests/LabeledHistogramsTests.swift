import Prometheus
import Testing
@testable import Router

/// The loop's own histograms (`LabeledHistograms`) scrape as the
/// swift-prometheus histograms they replace did, byte for byte.
@Suite struct LabeledHistogramsTests {
    private let buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    /// Below the first bound, on bounds, between them, beyond the last.
    private let values = [0.0003, 0.0005, 0.0031, 0.0031, 0.07, 1, 7.25, 119.9, 400]

    private func swiftPrometheusText(label: String, values: [(String, [Double])]) -> String {
        let registry = PrometheusCollectorRegistry()
        for (labelValue, observations) in values {
            let histogram = registry.makeValueHistogram(
                descriptor: describe("test_duration_seconds", #"Time taken, a \ in help"#),
                labels: [(label, labelValue)], buckets: buckets)
            for value in observations { histogram.record(value) }
        }
        return registry.emitToString()
    }

    private func loopText(label: String, values: [(String, [Double])]) -> String {
        let histograms = LabeledHistograms(
            name: "test_duration_seconds", label: label, buckets: buckets, help: #"Time taken, a \ in help"#)
        for (labelValue, observations) in values {
            for value in observations { histograms.record(value, for: labelValue) }
        }
        var text = ""
        histograms.emit(into: &text)
        return text
    }

    @Test func oneSeriesScrapesByteForByteAsSwiftPrometheus() {
        let series = [("generate", values)]
        let ours = loopText(label: "route", values: series)
        #expect(ours == swiftPrometheusText(label: "route", values: series))
        #expect(ours.contains(#"test_duration_seconds_bucket{route="generate",le="0.0005"} 2"#))
        #expect(ours.contains(#"test_duration_seconds_bucket{route="generate",le="+Inf"} 9"#))
    }

    @Test func aLabelValueNeedingEscapesScrapesAsSwiftPrometheus() {
        let series = [("http://h:1/\"quoted\"\\\n", [0.2])]
        #expect(loopText(label: "worker", values: series) == swiftPrometheusText(label: "worker", values: series))
    }

    /// The registry orders series of one family as it likes: each
    /// series' lines are compared, after the one family head.
    @Test func severalSeriesHaveTheLinesOfSwiftPrometheus() {
        let series = [("http://a:1", values), ("http://b:2", [0.004]), ("http://c:3", [60])]
        let ours = loopText(label: "worker", values: series)
        let theirs = swiftPrometheusText(label: "worker", values: series)
        #expect(ours.split(separator: "\n").sorted() == theirs.split(separator: "\n").sorted())
        #expect(ours.hasPrefix("# HELP test_duration_seconds "))
    }

    @Test func noSeriesNoFamily() {
        #expect(loopText(label: "route", values: []) == "")
        let histograms = LabeledHistograms(name: "test_seconds", label: "worker", buckets: buckets, help: "h")
        histograms.record(1, for: "http://gone:1")
        histograms.removeAll(except: [])
        var text = ""
        histograms.emit(into: &text)
        #expect(text == "")
    }
}
