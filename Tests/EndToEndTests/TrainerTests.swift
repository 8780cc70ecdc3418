import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// What an RL trainer does, checked against the workers' own records of
    /// each generation (`/mock/generations`): GRPO groups of samples of one
    /// prompt, retrieved with `prompt + text` as slime's rollout did, every
    /// token id, mask and log-probability bit compared.
    @Suite struct Trainer {
        static let samplesPerGroup = 8

        /// The phases of the GRPO run: each sets the workers up, then runs its groups.
        enum Phase: CaseIterable {
            /// Samples open with the same three tokens, each with its own log-probabilities.
            case sharedOpening
            /// Samples of a group have the same text, spelled with other ids.
            case sameTextOtherIDs
            /// Samples end with the stop token, which their text does not show.
            case stopToken
            /// Samples end with a stop string, which the worker trims from the text.
            case stopString

            var settings: [String: Any] {
                [
                    "independent_samples": true,
                    "shared_prefix_tokens": self == .sharedOpening ? 3 : 0,
                    "alternate_spellings": self == .sameTextOtherIDs,
                    "finish_with_stop_token": self == .stopToken,
                    "finish_with_stop_string": self == .stopString,
                ]
            }

            var sampling: [String: Any] {
                self == .stopString ? ["max_new_tokens": 9, "stop": ["\n\nDone."]] : ["max_new_tokens": 9]
            }
        }

        /// 32 prompts x 8 samples over two workers of different weight
        /// versions (so groups mix versions); some samples abort once and are
        /// retried. The trainer retrieves each sample by `prompt + text`,
        /// with its `rid` and without.
        @Test func grpoGroupsRetrieveEachSamplesOwnValues() throws {
            let cluster = try Cluster(workers: 2, ["--retry-backoff", "0.01"])
            try cluster.workers[0].configure(["weight_version": "11"])
            try cluster.workers[1].configure(["weight_version": "12"])
            var samples: [Sample] = []
            for (phaseIndex, phase) in Phase.allCases.enumerated() {
                for worker in cluster.workers { try worker.configure(phase.settings) }
                try cluster.workers[phaseIndex % 2].configure(["abort_next": 2])
                for group in 0..<8 {
                    let prompt = Chat.system("Solve it.") + Chat.user("Problem \(phaseIndex)-\(group): \(group * 7 + 3) + \(phaseIndex)?")
                    samples += try Self.generateGroup(prompt, id: "p\(phaseIndex)-\(group)", sampling: phase.sampling, cluster: cluster)
                }
            }
            let records = try Self.records(cluster)
            #expect(records.values.contains { $0.abortedAttempts > 0 }, "some samples were aborted and retried")
            #expect(Set(records.values.map(\.weightVersion)) == ["11", "12"])

            for sample in samples {
                let record = try #require(records[sample.rid], "no worker record of \(sample.rid)")
                let byRid = try cluster.router.retrieve(sample.prompt + sample.text, rid: sample.rid)
                expect(byRid, is: record)
                #expect(byRid.rid == sample.rid)

                // By text alone: one of the samples with this text, and it says which.
                let byText = try cluster.router.retrieve(sample.prompt + sample.text)
                let named = try #require(byText.rid.flatMap { records[$0] }, "\(sample.rid): no rid said")
                expect(byText, is: named)
                let sameText = samples.filter { $0.prompt == sample.prompt && $0.text == sample.text }.map(\.rid)
                #expect(sameText.contains(named.rid))
            }
            // The RL-shaped coincidences really happened.
            let openings = Dictionary(grouping: samples.filter { $0.rid.hasPrefix("p0-") }) { $0.rid.prefix(5) }
            #expect(openings.values.allSatisfy { group in Set(group.map { records[$0.rid]!.outputIDs.prefix(3) }).count == 1 })
            #expect(openings.values.allSatisfy { group in Set(group.map { records[$0.rid]!.logprobs.first! }).count > 1 })
            let spellings = Dictionary(grouping: samples.filter { $0.rid.hasPrefix("p1-") }) { $0.rid.prefix(5) }
            #expect(spellings.values.allSatisfy { Set($0.map(\.text)).count == 1 }, "one text per group")
            #expect(spellings.values.allSatisfy { Set($0.map { records[$0.rid]!.outputIDs }).count == 2 }, "spelled two ways")
            #expect(samples.filter { $0.rid.hasPrefix("p2-") }.allSatisfy { records[$0.rid]!.outputIDs.last == Conversation.endOfSequence })
            #expect(samples.filter { $0.rid.hasPrefix("p3-") }.allSatisfy { !$0.text.contains("Done.") })
        }

        /// A full cache while the trainer lags: nothing it has not retrieved is
        /// lost silently. Every retrieval is either exact and equal to the
        /// worker's record, or its rid is unknown (404) and by text it says
        /// `exact: false`; there are as many of those as refusals counted.
        @Test func underEvictionPressureNothingIsLostSilently() throws {
            let cluster = try Cluster(workers: 1, ["--cache-max-tokens", "300"])
            try cluster.workers[0].configure(Phase.stopToken.settings)
            var pending: [Sample] = []
            var inexact = 0
            for group in 0..<12 {
                let prompt = Chat.system("Be brief.") + Chat.user("Question \(group) about pressure.")
                pending += try Self.generateGroup(prompt, id: "e\(group)", sampling: ["max_new_tokens": 12], cluster: cluster)
                // The trainer fetches every third group's worth at once, late.
                guard group % 3 == 2 else { continue }
                let records = try Self.records(cluster)
                for sample in pending {
                    let response = try cluster.router.post(
                        "/retrieve_from_text", json: ["text": sample.prompt + sample.text, "rid": sample.rid])
                    if response.status == 404 {
                        // Not stored: by text alone the trainer is told the ids are not the model's.
                        inexact += 1
                        #expect(try !cluster.router.retrieve(sample.prompt + sample.text).exact)
                    } else {
                        expect(try RetrievedTrajectory(jsonObject(response)), is: records[sample.rid]!)
                    }
                }
                pending = []
            }
            let cache = try #require(try cluster.router.metricsJSON()["cache"] as? [String: Any])
            let refused = number((cache["trajectories_not_stored_by_reason"] as? [String: Any])?["cache_full"]) ?? -1
            #expect(Double(inexact) == refused)
            #expect(refused > 0, "the cache filled up with trajectories nobody had retrieved")
            #expect(number(cache["evicted_tokens"]) ?? 0 > 0, "retrieved ones made room")
        }

        /// Two-turn conversations, four samples each: the trainer retrieves
        /// the whole conversation; both turns' tokens carry their own
        /// generation's values.
        @Test func multiTurnSamplesKeepEachTurnsValues() throws {
            let cluster = try Cluster(workers: 2)
            for worker in cluster.workers { try worker.configure(Phase.stopToken.settings) }
            let first = Chat.system("Chat.") + Chat.user("Hello there.")
            let openings = try Self.generateGroup(first, id: "t1", sampling: ["max_new_tokens": 6], count: 4, cluster: cluster)
            var seconds: [(opening: Sample, reply: Sample)] = []
            for opening in openings {
                let prompt = opening.prompt + opening.text + "<|im_end|>\n" + Chat.user("And then?")
                let reply = try Self.generateGroup(
                    prompt, id: opening.rid + "-2", sampling: ["max_new_tokens": 7], count: 1,
                    cluster: cluster)[0]
                seconds.append((opening, reply))
            }
            let records = try Self.records(cluster)
            for (opening, reply) in seconds {
                let turn1 = records[opening.rid]!, turn2 = records[reply.rid]!
                let retrieved = try cluster.router.retrieve(reply.prompt + reply.text)
                #expect(retrieved.rid == reply.rid)
                // Turn 2's prompt is turn 1's trajectory (stop token included) and the new user turn.
                let turn1Length = turn1.promptIDs.count + turn1.outputIDs.count
                #expect(Array(turn2.promptIDs.prefix(turn1Length)) == turn1.promptIDs + turn1.outputIDs)
                var mask = Array(repeating: 0, count: turn2.promptIDs.count) + Array(repeating: 1, count: turn2.outputIDs.count)
                var logp = Array(repeating: 0.0, count: turn2.promptIDs.count) + turn2.logprobs
                for offset in 0..<turn1.outputIDs.count {
                    mask[turn1.promptIDs.count + offset] = 1
                    logp[turn1.promptIDs.count + offset] = turn1.logprobs[offset]
                }
                expectTrajectory(retrieved, ids: turn2.promptIDs + turn2.outputIDs, mask: mask, logp: logp)
            }
        }

        /// A batch of one prompt n times (GRPO as one request), and streams:
        /// each item's and each stream's tail comes back with the trainer's call.
        @Test func batchItemsAndStreamsComeBackWithTheirTails() throws {
            let cluster = try Cluster()
            try cluster.workers[0].configure(Phase.stopToken.settings)
            let prompt = Chat.system("Batch.") + Chat.user("Same question, four samples.")
            let rids = (0..<4).map { "batch-\($0)" }
            let response = try cluster.router.post(
                "/generate",
                json: [
                    "text": Array(repeating: prompt, count: 4), "rid": rids, "sampling_params": ["max_new_tokens": 8],
                ] as [String: Any])
            try #require(response.status == 200)
            let answers = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
            var samples = try zip(rids, answers).map { rid, answer in
                Sample(rid: rid, prompt: prompt, text: try Turn.generation(answer).text)
            }
            // Streams: one ends with the stop token, one with a trimmed stop string.
            for (index, settings) in [Phase.stopToken.settings, Phase.stopString.settings].enumerated() {
                try cluster.workers[0].configure(settings)
                let rid = "stream-\(index)"
                let text = try Self.stream(prompt, rid: rid, sampling: Phase.stopString.sampling, cluster: cluster)
                samples.append(Sample(rid: rid, prompt: prompt, text: text))
            }
            let records = try Self.records(cluster)
            for sample in samples {
                let record = try #require(records[sample.rid])
                let retrieved = try cluster.router.retrieve(sample.prompt + sample.text)
                expect(retrieved, is: record)
                #expect(retrieved.rid == sample.rid)
            }
        }

        /// A rid the text does not lead to, or no rid the cache knows, is a 404;
        /// a rid that is not a string is a 400. Each with a JSON error.
        @Test func aRidThatDoesNotMatchTheTextIsRefused() throws {
            let cluster = try Cluster()
            try cluster.workers[0].configure(Phase.stopToken.settings)
            let first = try Self.generateGroup(
                Chat.user("One?"), id: "one", sampling: ["max_new_tokens": 5], count: 1,
                cluster: cluster)[0]
            let second = try Self.generateGroup(
                Chat.user("Two?"), id: "two", sampling: ["max_new_tokens": 5], count: 1,
                cluster: cluster)[0]
            for rid in [second.rid, "never-sent"] {
                let response = try cluster.router.post("/retrieve_from_text", json: ["text": first.prompt + first.text, "rid": rid])
                #expect(response.status == 404 && isJSONError(response), "\(rid): \(response.status) \(response.text)")
            }
            for rid in [7, ""] as [Any] {
                let response = try cluster.router.post("/retrieve_from_text", json: ["text": first.prompt + first.text, "rid": rid])
                #expect(response.status == 400 && isJSONError(response))
            }
            #expect(try cluster.router.retrieve(first.prompt + first.text, rid: first.rid).rid == first.rid)
        }

        // MARK: Support

        struct Sample: Sendable {
            let rid: String
            let prompt: String
            /// The `text` `/generate` answered.
            let text: String
        }

        /// A worker's record of one finished generation.
        struct Record {
            let rid: String
            let promptIDs: [Int]
            let outputIDs: [Int]
            let logprobs: [Double]
            let weightVersion: String
            /// Attempts of this rid that aborted before this one.
            var abortedAttempts = 0
        }

        /// `count` samples of `prompt` at once, as a GRPO rollout sends them.
        static func generateGroup(
            _ prompt: String, id: String, sampling: [String: Any], count: Int = samplesPerGroup,
            cluster: Cluster
        ) throws -> [Sample] {
            let body = try JSONSerialization.data(withJSONObject: sampling)
            let samplingJSON = String(decoding: body, as: UTF8.self)
            return try onThreads(count) { index -> Sample in
                let rid = "\(id)-s\(index)"
                let response = try cluster.router.post(
                    "/generate",
                    raw: """
                        {"text": \(jsonString(prompt)), "rid": "\(rid)", "sampling_params": \(samplingJSON), "return_logprob": true}
                        """)
                guard response.status == 200 else { throw FixtureError("\(rid): \(response.status) \(response.text)") }
                let (_, text, _, _, finish) = try Turn.generation(try jsonObject(response))
                guard finish != "abort" else { throw FixtureError("\(rid) came back aborted") }
                return Sample(rid: rid, prompt: prompt, text: text)
            }.map { try $0.get() }
        }

        /// One streamed `/generate`; returns the text of its last event.
        static func stream(_ prompt: String, rid: String, sampling: [String: Any], cluster: Cluster) throws -> String {
            let response = try cluster.router.post(
                "/generate",
                json: [
                    "text": prompt, "stream": true, "rid": rid, "sampling_params": sampling,
                ] as [String: Any])
            try #require(response.status == 200)
            let events = response.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
            let last = try #require(
                events.last.flatMap { try JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] })
            return try Turn.generation(last).text
        }

        /// Every worker's finished generations by rid, with the count of aborted attempts before them.
        static func records(_ cluster: Cluster) throws -> [String: Record] {
            var records: [String: Record] = [:]
            var aborted: [String: Int] = [:]
            for worker in cluster.workers {
                for entry in try worker.generations() {
                    guard let rid = entry["rid"] as? String else { continue }
                    if entry["aborted"] as? Bool == true {
                        aborted[rid, default: 0] += 1
                        continue
                    }
                    guard records[rid] == nil else { throw FixtureError("two finished generations of \(rid)") }
                    records[rid] = Record(
                        rid: rid, promptIDs: ints(entry["prompt_ids"]) ?? [], outputIDs: ints(entry["output_ids"]) ?? [],
                        logprobs: doubles(entry["logprobs"]) ?? [], weightVersion: entry["weight_version"] as? String ?? "")
                }
            }
            for (rid, count) in aborted { records[rid]?.abortedAttempts = count }
            return records
        }
    }
}

/// The trajectory is exactly the recorded generation: its prompt ids (mask
/// 0, log-probability 0.0, no version), then its output ids (mask 1, the
/// worker's log-probabilities bit for bit, its version), all from the cache.
private func expect(
    _ retrieved: RetrievedTrajectory, is record: EndToEnd.Trainer.Record,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let prompt = record.promptIDs.count, output = record.outputIDs.count
    expectTrajectory(
        retrieved, ids: record.promptIDs + record.outputIDs,
        mask: Array(repeating: 0, count: prompt) + Array(repeating: 1, count: output),
        logp: Array(repeating: 0.0, count: prompt) + record.logprobs, version: record.weightVersion,
        sourceLocation: sourceLocation)
}
