import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// Aborted generations and failing workers: the router resends the
    /// stored body (to another worker where there is one) and never caches
    /// what an aborted attempt returned.
    @Suite struct Retries {
        static let fast = ["--retry-backoff", "0.05"]

        /// The bodies as canonical JSON text, to compare them.
        static func canonical(_ body: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
        }

        @Test(arguments: WorkerClientKind.allCases)
        func abortsAreRetriedWithTheSameBodyUntilAGoodAnswer(client: WorkerClientKind) throws {
            let cluster = try Cluster(workers: 1, client: client, Self.fast + ["--retry-attempts", "5"])
            try cluster.workers[0].configure(["abort_next": 2])
            let conversation = Conversation(system: "Retry me.")
            let turn = try cluster.send(conversation, user: "Will this abort?", rid: "abort-2", maxNewTokens: 10)
            #expect(turn.finishReason == "length", "the client gets the good third answer")
            #expect(turn.outputIDs.count == 10)
            let bodies = try cluster.workers[0].requests(rid: "abort-2")
            #expect(bodies.count == 3)
            #expect(Set(try bodies.map(Self.canonical)).count == 1, "every attempt resent the same body")
            conversation.absorb(turn)
            try cluster.checkRetrieve(conversation)
            // Only the good answer was stored.
            #expect(try cluster.router.cacheMetric("total_entries") == 1)
            #expect(try cluster.router.cacheMetric("trajectories_stored") == 1)
            #expect(try cluster.router.routerMetric("aborted_generations") == 2)
            #expect(try cluster.router.routerMetric("retries") == 2)
        }

        @Test(arguments: WorkerClientKind.allCases)
        func whenEveryAttemptAbortsTheClientGetsTheLastAbortAndNothingIsCached(client: WorkerClientKind) throws {
            let cluster = try Cluster(workers: 1, client: client, Self.fast + ["--retry-attempts", "3"])
            try cluster.workers[0].configure(["abort_next": 10])
            let conversation = Conversation(system: "Abort always.")
            let prompt = conversation.nextPrompt(user: "Anyone there?")
            let response = try cluster.router.post(
                "/generate", json: ["text": prompt, "rid": "abort-all", "sampling_params": ["max_new_tokens": 8]])
            #expect(response.status == 200)
            let (ids, _, _, _, finish) = try Turn.generation(try jsonObject(response))
            #expect(finish == "abort")
            #expect(ids.isEmpty)
            #expect(try cluster.workers[0].requests(rid: "abort-all").count == 3)
            let retrieved = try cluster.router.retrieve(prompt)
            #expect(!retrieved.cacheHit)
            #expect(retrieved.cachedTokens == 0)
            #expect(try cluster.router.cacheMetric("total_entries") == 0)
            #expect(try cluster.router.cacheMetric("trajectories_stored") == 0)
        }

        /// One fault on each of two workers: the second attempt must go to the
        /// worker the first did not try (had it gone back, that worker would
        /// have answered and the other would have seen nothing).
        @Test(arguments: WorkerClientKind.allCases, ["abort_next", "error_next", "drop_next"])
        func retryGoesToTheOtherWorker(client: WorkerClientKind, fault: String) throws {
            let cluster = try Cluster(workers: 2, client: client, Self.fast + ["--retry-attempts", "3"])
            for worker in cluster.workers { try worker.configure([fault: 1]) }
            let conversation = Conversation(system: "Two workers.")
            let turn = try cluster.send(conversation, user: "Fault \(fault).", rid: "other-\(fault)", maxNewTokens: 6)
            #expect(turn.finishReason == "length")
            let counts = try cluster.workers.map { try $0.requests(rid: "other-\(fault)").count }
            #expect(counts.allSatisfy { $0 >= 1 } && counts.reduce(0, +) == 3, "attempts per worker: \(counts)")
            conversation.absorb(turn)
            try cluster.checkRetrieve(conversation)
            #expect(try cluster.router.cacheMetric("total_entries") == 1)
        }

        @Test(arguments: WorkerClientKind.allCases)
        func aRefusedConnectionIsRetriedOnAnotherWorker(client: WorkerClientKind) throws {
            let dead = try RefusingPort()
            let tokenizer = try Fixtures.tokenizer()
            let workers = try MockWorkerProcess.withQwen3Tokenizer(1)
            let router = try RouterProcess.withRadixTree(workers: [dead.url, workers[0].url], client: client, Self.fast)
            for index in 0..<4 {
                let prompt = Chat.user("Refused number \(index)?")
                let response = try router.post(
                    "/generate", json: ["text": prompt, "rid": "refused-\(index)", "sampling_params": ["max_new_tokens": 5]])
                #expect(response.status == 200, "\(response.text.prefix(200))")
                let body = try #require(try workers[0].requests(rid: "refused-\(index)").first)
                #expect(ints(body["input_ids"]) == tokenizer.ids(prompt))
            }
            #expect(try workers[0].requests().count == 4)
            #expect(try (router.routerMetric("retries") ?? 0) >= 1)
        }
    }
}
