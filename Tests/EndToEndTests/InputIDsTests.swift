import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// Requests that already carry `input_ids`: the worker gets them as
    /// sent, and the trajectory is stored under the ids' decoded text.
    @Suite struct InputIDs {
        /// "<|im_start|>user\n" + `word` spelled one token per character + the assistant header:
        /// ids that re-tokenizing their decoded text does not give.
        static func spelledPrompt(_ word: String, cluster: Cluster) -> (ids: [Int], text: String) {
            let tokenizer = cluster.tokenizer
            let head = "<|im_start|>user\n", tail = "<|im_end|>\n<|im_start|>assistant\n"
            let ids = tokenizer.rest(head) + word.flatMap { tokenizer.rest(String($0)) } + tokenizer.rest(tail)
            return (ids, head + word + tail)
        }

        @Test func forwardedUnchangedAndStoredUnderTheDecodedText() throws {
            let cluster = try Cluster()
            let prompt = Self.spelledPrompt("hello world", cluster: cluster)
            #expect(cluster.tokenizer.ids(prompt.text) != prompt.ids)
            let body =
                #"{"input_ids":\#(prompt.ids),"rid":"ids-1","return_logprob":true,"sampling_params":{"max_new_tokens":10,"top_k":5},"my_extension":{"a":[1,2.50]}}"#
                .replacingOccurrences(of: " ", with: "")
            let response = try cluster.router.post("/generate", raw: body)
            try #require(response.status == 200, "\(response.text.prefix(300))")
            let (outputIDs, outputText, logprobs, _, _) = try Turn.generation(try jsonObject(response))
            // The mock writes back what it parsed, member order and number text kept: the very same body.
            let recorded = try cluster.workers[0].requestsText()
            #expect(recorded == #"{"requests":["# + body + "]}", "worker got \(recorded)")

            let retrieved = try cluster.router.retrieve(prompt.text + outputText)
            expectTrajectory(
                retrieved, ids: prompt.ids + outputIDs,
                mask: Array(repeating: 0, count: prompt.ids.count) + Array(repeating: 1, count: outputIDs.count),
                logp: Array(repeating: 0.0, count: prompt.ids.count) + logprobs)

            // A text turn continuing it reuses the spelled ids and the generated ones.
            let next = prompt.text + outputText + Chat.endOfTurn + Chat.user("Go on.")
            let second = try cluster.router.post(
                "/generate", json: ["text": next, "rid": "ids-2", "sampling_params": ["max_new_tokens": 4]])
            #expect(second.status == 200)
            let sent = try #require(try cluster.workerBodies(rid: "ids-2").first?.body)
            #expect(ints(sent["input_ids"]) == prompt.ids + outputIDs + cluster.tokenizer.rest(Chat.endOfTurn + Chat.user("Go on.")))
        }

        /// One prompt text under two tokenizations (pitfall 3): each
        /// trajectory comes back with exactly its own ids.
        @Test func theSameTextTokenizedTwoWaysKeepsBothTrajectories() throws {
            let cluster = try Cluster()
            let spelled = Self.spelledPrompt("hello there", cluster: cluster)
            let plainIDs = cluster.tokenizer.ids(spelled.text)
            var trajectories: [(text: String, ids: [Int], mask: [Int], logp: [Double])] = []
            for (rid, body) in [("plain", ["text": spelled.text] as [String: Any]), ("spelled", ["input_ids": spelled.ids])] {
                var body = body
                body["rid"] = rid
                body["sampling_params"] = ["max_new_tokens": 10]
                let response = try cluster.router.post("/generate", json: body)
                try #require(response.status == 200, "\(response.text.prefix(300))")
                let (outputIDs, outputText, logprobs, _, _) = try Turn.generation(try jsonObject(response))
                let sent = try #require(try cluster.workerBodies(rid: rid).first?.body)
                let promptIDs = try #require(ints(sent["input_ids"]))
                #expect(promptIDs == (rid == "plain" ? plainIDs : spelled.ids))
                trajectories.append(
                    (
                        spelled.text + outputText, promptIDs + outputIDs,
                        Array(repeating: 0, count: promptIDs.count) + Array(repeating: 1, count: outputIDs.count),
                        Array(repeating: 0.0, count: promptIDs.count) + logprobs
                    ))
            }
            try #require(trajectories[0].text != trajectories[1].text, "the two generations should differ")
            for trajectory in trajectories {
                expectTrajectory(
                    try cluster.router.retrieve(trajectory.text), ids: trajectory.ids, mask: trajectory.mask,
                    logp: trajectory.logp)
            }
        }

        @Test func storedEvenWhenTheClientDidNotAskForLogprobs() throws {
            let cluster = try Cluster()
            let prompt = Self.spelledPrompt("good morning", cluster: cluster)
            let response = try cluster.router.post(
                "/generate",
                json: [
                    "input_ids": prompt.ids, "rid": "ids-nolog", "sampling_params": ["max_new_tokens": 8],
                ] as [String: Any])
            try #require(response.status == 200, "\(response.text.prefix(300))")
            let answer = try jsonObject(response)
            let (outputIDs, outputText, _, _, _) = try Turn.generation(answer)
            let sent = try #require(try cluster.workerBodies(rid: "ids-nolog").first?.body)
            #expect(ints(sent["input_ids"]) == prompt.ids)
            #expect(sent["text"] == nil)
            // The trainer can get this trajectory back: the generated tokens with the worker's log-probabilities.
            let retrieved = try cluster.router.retrieve(prompt.text + outputText)
            #expect(retrieved.cacheHit)
            #expect(retrieved.tokens == prompt.ids + outputIDs, "the generation was not stored")
            #expect(retrieved.lossMask == Array(repeating: 0, count: prompt.ids.count) + Array(repeating: 1, count: outputIDs.count))
        }
    }
}
