import Foundation
import Testing
import TestSupport

/// `GET /metrics`: the original's JSON shape with live in-flight counts, and
/// Prometheus text exposition for scrapers.
@Suite struct MetricsTests {
    @Test func jsonShapeWithRealInFlightCounts() throws {
        let first = try MockWorkerProcess(), second = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [first, second])

        let idle = try router.request("GET", "/metrics")
        #expect(idle.status == 200)
        #expect(idle.header("Content-Type") == "application/json")
        let object = try jsonObject(idle)
        #expect(Set(object.keys) == ["router"])
        let section = try #require(object["router"] as? [String: Any])
        // The original's three fields (more may follow them).
        #expect(Set(section.keys).isSuperset(of: ["active_workers", "worker_loads", "total_in_flight"]))
        let snapshot = try RouterMetricsSnapshot(object)
        #expect(snapshot.activeWorkers == 2)
        #expect(snapshot.workerLoads == [first.url: 0, second.url: 0])
        #expect(snapshot.totalInFlight == 0)

        // Round-robin: three held requests land first, second, first.
        try first.configure(["latency_per_token_ms": 100])
        try second.configure(["latency_per_token_ms": 100])
        var held: [RawHTTPConnection] = []
        for index in 0..<3 {
            held.append(try router.startGenerate(rid: "h\(index)", maxNewTokens: 10_000))
            #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == index + 1 })
        }
        let busy = try router.metrics()
        #expect(busy.workerLoads == [first.url: 2, second.url: 1])
        #expect(busy.totalInFlight == 3)
        #expect(busy.activeWorkers == 2)
        #expect(eventually(timeout: 30) { (try? first.running()) == 2 && (try? second.running()) == 1 })
        // /add_worker reports the same loads.
        let added = try jsonObject(router.request("POST", "/add_worker?url=\(first.url)"))
        #expect(added["worker_urls"] as? [String: Int] == [first.url: 2, second.url: 1])

        held[0].close()
        #expect(eventually(timeout: 30) { (try? router.metrics().workerLoads) == [first.url: 1, second.url: 1] })
        for connection in held { connection.close() }
        #expect(eventually(timeout: 30) { (try? router.metrics().totalInFlight) == 0 })
        #expect(try router.metrics().workerLoads == [first.url: 0, second.url: 0])
    }

    /// One parsed exposition: families from `# TYPE`, and samples.
    struct Exposition {
        var types: [String: String] = [:]
        var samples: [(name: String, labels: String, value: Double)] = []
        var problems: [String] = []

        init(_ text: String) {
            let validTypes: Set<String> = ["counter", "gauge", "histogram", "summary", "untyped"]
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                if line.hasPrefix("# TYPE ") {
                    let parts = line.split(separator: " ")
                    guard parts.count == 4, validTypes.contains(String(parts[3])), Self.isName(parts[2]) else {
                        problems.append("bad TYPE line: \(line)")
                        continue
                    }
                    if types[String(parts[2])] != nil { problems.append("family typed twice: \(line)") }
                    types[String(parts[2])] = String(parts[3])
                } else if line.hasPrefix("# HELP ") || line.hasPrefix("#") {
                    continue
                } else {
                    let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
                    let name = line[..<nameEnd]
                    var labels = ""
                    var rest = line[nameEnd...]
                    if rest.first == "{" {
                        guard let close = rest.lastIndex(of: "}") else {
                            problems.append("unclosed labels: \(line)")
                            continue
                        }
                        labels = String(rest[rest.index(after: rest.startIndex)..<close])
                        rest = rest[rest.index(after: close)...]
                    }
                    let fields = rest.split(separator: " ")
                    guard Self.isName(name), (1...2).contains(fields.count),
                        let value = Double(fields[0]) ?? (fields[0] == "+Inf" ? .infinity : nil)
                    else {
                        problems.append("bad sample line: \(line)")
                        continue
                    }
                    samples.append((String(name), labels, value))
                }
            }
        }

        static func isName(_ name: Substring) -> Bool {
            guard let first = name.first, first.isLetter || first == "_" || first == ":" else { return false }
            return name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == ":" }
        }

        /// The family a sample belongs to (histogram samples carry suffixes).
        func family(of sample: String) -> String? {
            if types[sample] != nil { return sample }
            for suffix in ["_bucket", "_sum", "_count", "_total", "_created"] where sample.hasSuffix(suffix) {
                let base = String(sample.dropLast(suffix.count))
                if types[base] != nil { return base }
            }
            return nil
        }

        func value(_ name: String, labels: String = "") -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
    }

    @Test(arguments: [
        ("/metrics", [("Accept", "text/plain")]),
        ("/metrics?format=prometheus", []),
        ("/metrics", [("Accept", "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")]),
    ])
    func prometheusExposition(path: String, headers: [(String, String)]) throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        for index in 0..<3 { #expect(try router.generate(rid: "r\(index)").status == 200) }
        #expect(try router.request("GET", "/list_workers").status == 200)

        let response = try router.request("GET", path, headers: headers)
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
        let exposition = Exposition(response.text)
        #expect(exposition.problems.isEmpty, "\(exposition.problems)")
        #expect(!exposition.samples.isEmpty)
        for sample in exposition.samples {
            #expect(sample.name.hasPrefix("slime_router_"), "foreign series \(sample.name)")
            #expect(exposition.family(of: sample.name) != nil, "sample without # TYPE: \(sample.name)")
        }
        #expect(exposition.types.keys.allSatisfy { $0.hasPrefix("slime_router_") })
        #expect(exposition.value("slime_router_active_workers") == 1)
        #expect(exposition.value("slime_router_in_flight_requests") == 0)
        #expect(exposition.value("slime_router_worker_healthy", labels: "worker=\"\(mock.url)\"") == 1)
        #expect(exposition.value("slime_router_worker_in_flight", labels: "worker=\"\(mock.url)\"") == 0)
        #expect(exposition.value("slime_router_requests_total", labels: "route=\"list_workers\"") == 1)
        #expect(exposition.value("slime_router_proxied_requests_total", labels: "outcome=\"ok\"") == 3)
        #expect(exposition.types["slime_router_request_duration_seconds"] == "histogram")
        #expect(exposition.value("slime_router_request_duration_seconds_count", labels: "route=\"generate\"") == 3)
        #expect(exposition.value("slime_router_request_duration_seconds_count", labels: "route=\"list_workers\"") == 1)
        #expect(exposition.value("slime_router_worker_request_duration_seconds_count", labels: "worker=\"\(mock.url)\"") == 3)
        #expect(exposition.value("slime_router_worker_requests_total", labels: "worker=\"\(mock.url)\"") == 3)
    }

    @Test func jsonStaysTheDefaultForOtherAcceptHeaders() throws {
        let router = try RouterProcess()
        for accept in ["application/json", "*/*", "application/json, text/plain"] {
            let response = try router.request("GET", "/metrics", headers: [("Accept", accept)])
            #expect(response.header("Content-Type") == "application/json", "Accept: \(accept)")
            #expect(try RouterMetricsSnapshot(jsonObject(response)).activeWorkers == 0)
        }
    }
}
