import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// `/metrics` after a multi-turn workload: the `cache` section of
    /// product.md with plausible values, in JSON and in Prometheus text.
    @Suite struct Metrics {
        static let productKeys = [
            "total_entries", "cache_hits", "cache_misses", "hit_rate", "cur_cache_size",
            "max_cache_size", "cache_size_mb", "gc_threshold_k",
        ]

        @Test func cacheSectionAfterAMultiTurnWorkload() throws {
            let cluster = try Cluster(workers: 1, ["--cache-max-tokens", "100000", "--gc-threshold-k", "3"])
            let conversation = Conversation(system: "Count with me.")
            for round in 0..<3 { try cluster.turn(conversation, user: "Turn \(round).", rid: "metrics-\(round)") }

            let metrics = try cluster.router.metricsJSON()
            let cache = try #require(metrics["cache"] as? [String: Any])
            for key in Self.productKeys { #expect(number(cache[key]) != nil, "cache.\(key) missing: \(cache)") }
            #expect(number(cache["hit_rate"]).map { $0 > 0 && $0 <= 1 } == true, "\(cache)")
            #expect(number(cache["cache_hits"]).map { $0 >= 2 } == true, "turns 2 and 3 hit: \(cache)")
            #expect(number(cache["cache_misses"]).map { $0 >= 1 } == true, "turn 1 missed: \(cache)")
            #expect(number(cache["prompt_tokens_from_cache"]).map { $0 > 0 } == true, "\(cache)")
            #expect(number(cache["prompt_tokens_tokenized"]).map { $0 > 0 } == true, "\(cache)")
            // One conversation: every turn extends the last, so the tree holds exactly the final trajectory.
            #expect(number(cache["cur_cache_size"]) == Double(conversation.ids.count), "\(cache)")
            #expect(number(cache["total_entries"]).map { $0 >= 1 } == true, "\(cache)")
            #expect(number(cache["max_cache_size"]) == 100000)
            #expect(number(cache["gc_threshold_k"]) == 3)
            #expect(number(cache["cache_size_mb"]).map { $0 > 0 && $0 < 1 } == true, "\(cache)")
            #expect(number(cache["evicted_tokens"]) == 0)
            let router = try #require(metrics["router"] as? [String: Any])
            #expect(number(router["active_workers"]) == 1)
            #expect(number(router["total_in_flight"]) == 0)
            #expect((router["worker_loads"] as? [String: Any])?[cluster.workers[0].url] != nil, "\(router)")

            // The same in Prometheus text, by query and by Accept header.
            for (path, headers) in [("/metrics?format=prometheus", [(String, String)]()), ("/metrics", [("Accept", "text/plain")])] {
                let response = try cluster.router.request("GET", path, headers: headers)
                #expect(response.status == 200)
                #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
                let text = response.text
                #expect(text.contains("slime_router_event_loop_lag_seconds"), "\(text.prefix(2000))")
                #expect(text.contains("slime_router_cache_"), "\(text.prefix(2000))")
                #expect(Self.sample("slime_router_cache_tokens", in: text) == Double(conversation.ids.count), "\(text.prefix(3000))")
                #expect(Self.sample("slime_router_prompt_tokens_from_cache_total", in: text) == number(cache["prompt_tokens_from_cache"]))
                #expect(Self.sample("slime_router_cache_lookup_hits_total", in: text) == number(cache["cache_hits"]))
                #expect(text.contains("# TYPE slime_router_cache_lookup_hits_total counter"), "\(text.prefix(3000))")
            }
        }

        /// `--event-loop-lag-interval-ms` sets how often the lag probe
        /// samples; 0 starts no probe, so the histogram stays empty.
        @Test func lagProbeIntervalFlag() throws {
            func lagSamples(_ cluster: Cluster) throws -> Double? {
                let text = try cluster.router.request("GET", "/metrics?format=prometheus").text
                return Self.sample("slime_router_event_loop_lag_seconds_count", in: text)
            }
            let probing = try Cluster(workers: 1, ["--event-loop-lag-interval-ms", "1"])
            let deadline = Date().addingTimeInterval(30)
            while try lagSamples(probing) ?? 0 < 50, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            #expect(try lagSamples(probing).map { $0 >= 50 } == true)

            let silent = try Cluster(workers: 1, ["--event-loop-lag-interval-ms", "0"])
            // Long enough for the default 10 ms probe to have sampled many times.
            Thread.sleep(forTimeInterval: 0.5)
            #expect(try lagSamples(silent) == 0)
        }

        /// The value of an unlabelled sample `name value` in exposition text.
        static func sample(_ name: String, in text: String) -> Double? {
            for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
                return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
            }
            return nil
        }
    }
}
