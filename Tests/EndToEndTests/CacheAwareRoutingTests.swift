import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// `--policy cache-aware`: a conversation's next turn goes to the worker
    /// that produced its cached prefix, unless that worker is overloaded.
    @Suite struct CacheAwareRouting {
        @Test func laterTurnsGoToTheWorkerThatServedTheConversation() throws {
            // Three conversations, turns interleaved: the round-robin fallback
            // alone would send each second turn to the other worker.
            let cluster = try Cluster(workers: 2, ["--policy", "cache-aware", "--fallback-policy", "round-robin"])
            let conversations = (0..<3).map { Conversation(system: "Conversation \($0) of three.") }
            var servedBy: [[Int]] = Array(repeating: [], count: conversations.count)
            for round in 0..<3 {
                for (index, conversation) in conversations.enumerated() {
                    let turn = try cluster.turn(
                        conversation, user: "Round \(round) for \(index).", rid: "aware-\(index)-\(round)",
                        maxNewTokens: 8)
                    servedBy[index].append(turn.worker)
                }
            }
            for (index, workers) in servedBy.enumerated() {
                #expect(Set(workers).count == 1, "conversation \(index) went to workers \(workers)")
            }
            #expect(Set(servedBy.map { $0[0] }).count == 2, "first turns were spread: \(servedBy)")
            #expect(try cluster.router.routerMetric("cache_aware_routed") == 6)
            #expect(try cluster.router.routerMetric("cache_aware_diverted") == 0)
            for conversation in conversations { try cluster.checkRetrieve(conversation) }
        }

        @Test func anOverloadedWarmWorkerIsPassedOver() throws {
            let cluster = try Cluster(
                workers: 2,
                [
                    "--policy", "cache-aware", "--fallback-policy", "least-inflight",
                    "--balance-abs-threshold", "0", "--balance-rel-threshold", "1.0",
                ])
            let trunk = Conversation(system: "Overload me.")
            let first = try cluster.turn(trunk, user: "Start here.", rid: "warm-0", maxNewTokens: 8)
            let warm = first.worker, other = 1 - first.worker

            // Keep the warm worker busy with a continuation of the same conversation.
            try cluster.workers[warm].configure(["latency_per_token_ms": 1000])
            let held = trunk.branch()
            let heldBody = try JSONSerialization.data(
                withJSONObject: [
                    "text": held.nextPrompt(user: "Take your time."), "rid": "held", "sampling_params": ["max_new_tokens": 120],
                ] as [String: Any])
            let connection = try RawHTTPConnection(port: cluster.router.port)
            defer { connection.close() }
            try connection.send(
                "POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(heldBody.count)\r\nConnection: close\r\n\r\n")
            try connection.send(Array(heldBody))
            #expect(
                try eventually(timeout: 30) { try !cluster.workers[warm].requests(rid: "held").isEmpty },
                "the held request should go to the warm worker")

            // Warm worker: 1 in flight, the other: 0 → overloaded by these thresholds.
            let diverted = trunk.branch()
            let turn = try cluster.turn(diverted, user: "Quick question.", rid: "diverted", maxNewTokens: 8)
            #expect(turn.worker == other, "went to worker \(turn.worker), the warm one is \(warm)")
            #expect(try cluster.router.routerMetric("cache_aware_diverted") == 1)
            #expect(try cluster.router.routerMetric("cache_aware_routed") == 1)  // the held request
            try cluster.checkRetrieve(diverted)
        }
    }
}
