import Foundation
import Testing
import TestSupport

/// The Prometheus text, read by prometheus_client's own parser
/// (scripts/prometheus_families.py): counters are counters named `_total`,
/// durations histograms in seconds, per route and per worker, and streamed
/// `/generate` gives time-to-first-token and time-per-output-token.
@Suite struct PrometheusConventionsTests {
    typealias Families = [String: (type: String, samples: [(name: String, labels: [String: String], value: Double?)])]

    func families(_ router: RouterProcess) throws -> Families {
        let response = try router.request("GET", "/metrics?format=prometheus")
        #expect(response.status == 200)
        let parsed = try ProjectPython.run(script: "scripts/prometheus_families.py", input: response.body)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(parsed)) as? [String: [String: Any]])
        return object.mapValues { family in
            let samples = (family["samples"] as? [[Any]] ?? []).map { sample in
                (name: sample[0] as? String ?? "", labels: sample[1] as? [String: String] ?? [:], value: sample[2] as? Double)
            }
            return (type: family["type"] as? String ?? "", samples: samples)
        }
    }

    func value(_ families: Families, _ sample: String, _ labels: [String: String] = [:]) -> Double? {
        families.values.lazy.flatMap(\.samples).first { $0.name == sample && $0.labels == labels }?.value
    }

    @Test func namesTypesAndStreamLatencies() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        // Tokens 20 ms apart, so a stream's first byte and its end are apart.
        try mock.configure(["latency_per_token_ms": 20])
        #expect(try router.generate(rid: "whole", maxNewTokens: 2).status == 200)
        for index in 0..<2 {
            let streamed = try router.request("POST", "/generate", json: generateBody(rid: "s\(index)", maxNewTokens: 5, stream: true))
            #expect(streamed.status == 200)
        }
        #expect(try router.request("GET", "/list_workers").status == 200)
        #expect(try router.request("GET", "/no_such_endpoint").status == 404)

        let families = try families(router)
        #expect(!families.isEmpty)
        for (name, family) in families {
            #expect(name.hasPrefix("slime_router_"), "\(name)")
            switch family.type {
            case "counter":
                #expect(family.samples.allSatisfy { $0.name == name + "_total" }, "counter \(name): \(family.samples.map(\.name))")
            case "gauge":
                #expect(!name.hasSuffix("_total"), "gauge named like a counter: \(name)")
            case "histogram":
                #expect(name.hasSuffix("_seconds"), "histogram without its unit: \(name)")
            default:
                Issue.record("\(name) is \(family.type)")
            }
        }
        // What used to be gauges for counts.
        for counter in ["slime_router_requests", "slime_router_proxied_requests", "slime_router_worker_requests"] {
            #expect(families[counter]?.type == "counter", "\(counter)")
        }

        #expect(value(families, "slime_router_request_duration_seconds_count", ["route": "generate"]) == 3)
        #expect(value(families, "slime_router_request_duration_seconds_count", ["route": "proxy"]) == 1)
        #expect(value(families, "slime_router_request_duration_seconds_count", ["route": "list_workers"]) == 1)
        #expect(value(families, "slime_router_worker_request_duration_seconds_count", ["worker": mock.url]) == 4)
        #expect(value(families, "slime_router_worker_requests_total", ["worker": mock.url]) == 4)
        #expect(value(families, "slime_router_worker_errors_total", ["worker": mock.url]) == 0)

        // Two streams: a first token each, and four tokens after it each.
        #expect(value(families, "slime_router_time_to_first_token_seconds_count") == 2)
        #expect(value(families, "slime_router_time_per_output_token_seconds_count") == 2)
        let perToken = try #require(value(families, "slime_router_time_per_output_token_seconds_sum"))
        #expect(perToken > 0)
        let firstToken = try #require(value(families, "slime_router_time_to_first_token_seconds_sum"))
        #expect(firstToken > 0)
    }

    /// A worker that leaves takes its series with it.
    @Test func removedWorkersSeriesGo() throws {
        let mock = try MockWorkerProcess()
        let router = try RouterProcess(mocks: [mock])
        #expect(try router.generate(rid: "x").status == 200)
        #expect(value(try families(router), "slime_router_worker_requests_total", ["worker": mock.url]) == 1)
        #expect(try router.request("POST", "/remove_worker?url=\(mock.url)").status == 200)
        let after = try families(router)
        let mentions = after.values.flatMap(\.samples).filter { $0.labels["worker"] == mock.url }
        #expect(mentions.isEmpty, "\(mentions.map(\.name))")
    }
}
