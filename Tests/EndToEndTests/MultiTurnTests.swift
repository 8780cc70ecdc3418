import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// A conversation of several turns through the radix-tree middleware:
    /// the worker always gets the exact ids of the conversation so far, and
    /// the trainer gets them back with the right mask, log-probabilities and
    /// versions.
    @Suite struct MultiTurn {
        static let samplingParams = #"{"max_new_tokens": 16, "temperature": 0.7, "top_p": 0.95, "stop": ["\n\n"], "skip_special_tokens": false}"#
        static let extension_ = #""my_extension": {"a": [1, 2.50]}, "return_logprob": true"#

        @Test func workerGetsCachedPrefixPlusFreshTokensAndEveryOtherField() throws {
            let cluster = try Cluster()
            let worker = cluster.workers[0]
            try worker.configure(["weight_version": "7"])
            let conversation = Conversation(system: "You are a careful math tutor.")
            let questions = ["What is seven times six?", "Now divide that by three.", "And add five, please.", "Thanks! Summarize."]
            for (index, question) in questions.enumerated() {
                let before = conversation.ids.count
                let turn = try cluster.turn(conversation, user: question, rid: "multi-\(index)",
                                            samplingParams: Self.samplingParams, extraMembers: Self.extension_)
                if index > 0 {
                    // The previous turns' ids, the generated ones included, are reused as they were.
                    #expect(turn.inputIDs.count > before)
                    #expect(cluster.tokenizer.ids(turn.prompt) != turn.inputIDs,
                            "re-tokenizing the whole conversation would give other ids")
                }
                // Every other client field reaches the worker intact.
                let sampling = turn.workerBody["sampling_params"] as? [String: Any]
                #expect(number(sampling?["max_new_tokens"]) == 16)
                #expect(number(sampling?["temperature"]) == 0.7)
                #expect(number(sampling?["top_p"]) == 0.95)
                #expect(sampling?["stop"] as? [String] == ["\n\n"])
                #expect(sampling?["skip_special_tokens"] as? Bool == false)
                #expect(turn.workerBody["rid"] as? String == "multi-\(index)")
                #expect(turn.weightVersion == "7")
                #expect(turn.finishReason == "length")
            }
            // The mock keeps number text as received: the extension's bytes survived.
            let raw = try worker.requestsText()
            #expect(raw.components(separatedBy: #""my_extension":{"a":[1,2.50]}"#).count - 1 == questions.count, "\(raw.prefix(2000))")
            #expect(!raw.contains(#""text""#))
            #expect(try worker.requests().count == questions.count)
        }

        /// Prompts of several kilobytes are matched and tokenized off the
        /// event loop: the same exact ids must come out.
        @Test func longConversationsTakeTheSamePath() throws {
            let cluster = try Cluster()
            let context = (0..<150).map { "Fact \($0): the river flows north past the mill. " }.joined()
            let conversation = Conversation(system: "Use this context.\n" + context)
            #expect(conversation.nextPrompt(user: "").utf8.count > 4 * 1024)  // TokenCache.offloadThreshold
            for round in 0..<3 {
                try cluster.turn(conversation, user: "Question \(round) about the context.", rid: "long-\(round)")
            }
            try cluster.checkRetrieve(conversation)
        }

        @Test func retrieveReturnsTheExactTrajectoryOfEveryTurn() throws {
            let cluster = try Cluster()
            try cluster.workers[0].configure(["weight_version": "7"])
            let conversation = Conversation(system: "You answer in riddles.")
            var texts: [(text: String, ids: [Int], mask: [Int], logp: [Double])] = []
            for (index, question) in ["Who are you?", "Where do you live?", "Why so cryptic?"].enumerated() {
                let turn = try cluster.turn(conversation, user: question, rid: "riddle-\(index)", maxNewTokens: 12 + index)
                // Without logprobs asked for, the client still gets them (the router turns them on).
                #expect(turn.logprobs.count == turn.outputIDs.count)
                texts.append((conversation.text, conversation.ids, conversation.mask, conversation.logp))
                try cluster.checkRetrieve(conversation, version: "7")
            }
            // Each intermediate trajectory is still retrievable on its own.
            for entry in texts {
                let retrieved = try cluster.router.retrieve(entry.text)
                expectTrajectory(retrieved, ids: entry.ids, mask: entry.mask, logp: entry.logp, version: "7")
            }
            // Generated tokens of every turn carry mask 1, everything else 0.
            #expect(conversation.mask.filter { $0 == 1 }.count == 12 + 13 + 14)
            #expect(conversation.mask.count == conversation.ids.count)
        }
    }
}
