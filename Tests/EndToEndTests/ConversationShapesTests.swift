import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// The shapes RL rollouts take: many conversations at once sharing a
    /// system prompt, branches of one conversation, batches, streams, and
    /// generations that end with a stop token the text does not show.
    @Suite struct ConversationShapes {
        static let system = "You are a helpful assistant. Think step by step and answer briefly."

        @Test func concurrentConversationsSharingASystemPrompt() throws {
            let cluster = try Cluster(workers: 2)
            let openers = ["Alpha asks", "Bravo wonders", "Charlie needs", "Delta wants", "Echo says", "Foxtrot tries"]
            let conversations = openers.map { _ in Conversation(system: Self.system) }
            // Each thread drives one conversation; checks run here afterwards
            // against the state each turn continued.
            let results = onThreads(openers.count) { index -> [(turn: Turn, before: Conversation)] in
                let conversation = conversations[index]
                var log: [(turn: Turn, before: Conversation)] = []
                for round in 0..<3 {
                    let before = conversation.branch()
                    let turn = try cluster.send(
                        conversation, user: "\(openers[index]) question number \(round).",
                        rid: "conc-\(index)-\(round)", maxNewTokens: 10 + round)
                    conversation.absorb(turn)
                    log.append((turn, before))
                }
                return log
            }
            for (index, result) in results.enumerated() {
                let log = try result.get()
                for (turn, before) in log { cluster.check(turn, continuing: before) }
                try cluster.checkRetrieve(conversations[index], version: "default")
            }
            // Both workers served some of it (round robin), and the shared prefix was reused.
            #expect(try cluster.workers.allSatisfy { try !$0.requests().isEmpty })
            #expect(try (cluster.router.cacheMetric("prompt_tokens_from_cache") ?? 0) > 0)
        }

        @Test func divergingBranchesKeepTheirOwnTokens() throws {
            let cluster = try Cluster()
            let trunk = Conversation(system: Self.system)
            try cluster.turn(trunk, user: "Pick a number between one and ten.", rid: "trunk")
            let left = trunk.branch(), right = trunk.branch()
            try cluster.turn(left, user: "Double it.", rid: "left-1")
            try cluster.turn(right, user: "Halve it instead.", rid: "right-1", maxNewTokens: 9)
            try cluster.turn(left, user: "Now square it.", rid: "left-2")
            try cluster.turn(right, user: "Round it down.", rid: "right-2", maxNewTokens: 11)
            try cluster.checkRetrieve(trunk)
            try cluster.checkRetrieve(left)
            try cluster.checkRetrieve(right)
            #expect(left.ids.starts(with: trunk.ids) && right.ids.starts(with: trunk.ids))
            #expect(left.ids != right.ids)
        }

        @Test func batchRequests() throws {
            let cluster = try Cluster()
            let conversations = (0..<3).map { _ in Conversation(system: Self.system) }
            let users = [["Kilo first.", "Lima first.", "Mike first."], ["Kilo again.", "Lima again.", "Mike again."]]
            for (round, messages) in users.enumerated() {
                let prompts = zip(conversations, messages).map { $0.nextPrompt(user: $1) }
                let rids = (0..<3).map { "batch-\(round)-\($0)" }
                let body: [String: Any] = ["text": prompts, "rid": rids, "sampling_params": ["max_new_tokens": 12]]
                let response = try cluster.router.post("/generate", json: body)
                try #require(response.status == 200, "\(response.text.prefix(300))")
                let answers = try #require(try response.json() as? [[String: Any]], "a batch gets a JSON array")
                try #require(answers.count == 3)
                let received = try cluster.workers[0].requests().filter { $0["rid"] as? [String] == rids }
                try #require(received.count == 1, "one batch body reached the worker")
                let workerBody = received[0]
                #expect(workerBody["text"] == nil)
                let lists = try #require(workerBody["input_ids"] as? [Any])
                try #require(lists.count == 3)
                for index in 0..<3 {
                    let itemBody: [String: Any] = ["input_ids": lists[index], "return_logprob": workerBody["return_logprob"] as Any]
                    let turn = try Turn(
                        prompt: prompts[index], rid: rids[index], answer: answers[index],
                        workerBody: itemBody, worker: 0, workerRequestCount: 1)
                    cluster.check(turn, continuing: conversations[index])
                    conversations[index].absorb(turn)
                }
            }
            for conversation in conversations { try cluster.checkRetrieve(conversation) }
        }

        @Test func streamingRelaysChunksAndStoresTheTrajectoryAtTheEnd() throws {
            let cluster = try Cluster()
            try cluster.workers[0].configure(["latency_per_token_ms": 10])
            let conversation = Conversation(system: Self.system)
            let prompt = conversation.nextPrompt(user: "Stream me a short answer.")
            let body = try JSONSerialization.data(
                withJSONObject: [
                    "text": prompt, "stream": true, "rid": "stream-1", "sampling_params": ["max_new_tokens": 12],
                ] as [String: Any])
            let connection = try RawHTTPConnection(port: cluster.router.port)
            defer { connection.close() }
            try connection.send(
                "POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
            try connection.send(Array(body))
            let response = try connection.readResponse(timeout: requestTimeout)
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            let events = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.last == "data: [DONE]")
            let chunks = try events.dropLast().map { event -> [String: Any] in
                try #require(event.hasPrefix("data: "))
                return try #require(try JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any])
            }
            // One cumulative event per generated token, relayed as they came.
            #expect(chunks.count == 12)
            #expect(chunks.enumerated().allSatisfy { ints($1["output_ids"])?.count == $0 + 1 })
            let last = try #require(chunks.last)
            let received = try cluster.workerBodies(rid: "stream-1")
            try #require(received.count == 1)
            #expect(received[0].body["stream"] as? Bool == true)
            let turn = try Turn(
                prompt: prompt, rid: "stream-1", answer: last, workerBody: received[0].body,
                worker: 0, workerRequestCount: 1)
            cluster.check(turn, continuing: conversation)
            conversation.absorb(turn)
            // Stored once the stream ended.
            let stored = try eventually(timeout: 30) {
                try cluster.router.retrieve(conversation.text).cachedTokens == conversation.ids.count
            }
            #expect(stored, "the streamed trajectory was not stored")
            try cluster.checkRetrieve(conversation)
            // The next (non-streamed) turn reuses the streamed ids.
            try cluster.turn(conversation, user: "And now without streaming.", rid: "stream-2")
            try cluster.checkRetrieve(conversation)
        }

        /// A stream the client leaves half-way never ends normally: nothing is stored.
        @Test func aStreamTheClientLeavesIsNotStored() throws {
            let cluster = try Cluster()
            try cluster.workers[0].configure(["latency_per_token_ms": 200])
            let prompt = Chat.system(Self.system) + Chat.user("Stream, but I will leave.")
            let body = try JSONSerialization.data(
                withJSONObject: [
                    "text": prompt, "stream": true, "rid": "left", "sampling_params": ["max_new_tokens": 100],
                ] as [String: Any])
            let connection = try RawHTTPConnection(port: cluster.router.port)
            try connection.send(
                "POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
            try connection.send(Array(body))
            let head = try connection.readResponseHead(timeout: requestTimeout)
            #expect(head.status == 200)
            #expect(try connection.readChunk(timeout: requestTimeout) != nil, "a first chunk arrives")
            connection.close()
            // The router hangs up on the worker when the client has gone.
            let released = try eventually(timeout: 30) {
                let load = try httpRequest("GET", port: cluster.workers[0].port, path: "/get_load")
                return (try load.json() as? [[String: Any]])?.first.flatMap { number($0["num_reqs"]) } == 0
            }
            #expect(released, "the worker kept generating for a client that left")
            #expect(try cluster.router.cacheMetric("trajectories_stored") == 0)
            #expect(try cluster.router.cacheMetric("total_entries") == 0)
            #expect(try !cluster.router.retrieve(prompt).cacheHit)
        }

        @Test func stopTokenIsInTheIdsButNotInTheText() throws {
            let cluster = try Cluster()
            try cluster.workers[0].configure(["finish_with_stop_token": true])
            let conversation = Conversation(system: Self.system)
            let first = try cluster.turn(conversation, user: "Say something and stop.", rid: "stop-1")
            #expect(first.outputIDs.last == Conversation.endOfSequence)
            #expect(first.finishReason == "stop")
            #expect(!first.outputText.contains("<|im_end|>"))

            // The trainer's call, with the text the client got (no stop token):
            // every generated token, the stop token included, mask 1.
            let trainers = try cluster.router.retrieve(first.prompt + first.outputText)
            expectTrajectory(trainers, ids: conversation.ids, mask: conversation.mask, logp: conversation.logp)
            #expect(trainers.lossMask.last == 1 && trainers.tokens.last == Conversation.endOfSequence)
            #expect(trainers.rid == "stop-1")
            // With the template's <|im_end|> written out: the generated stop token itself, mask 1.
            let withStop = try cluster.router.retrieve(first.prompt + first.outputText + "<|im_end|>")
            expectTrajectory(withStop, ids: conversation.ids, mask: conversation.mask, logp: conversation.logp)
            #expect(withStop.lossMask.last == 1)

            // The next turn's prompt continues after <|im_end|>: the generated stop token is reused.
            let second = try cluster.turn(conversation, user: "Again.", rid: "stop-2")
            #expect(second.inputIDs.starts(with: first.inputIDs + first.outputIDs))
            try cluster.checkRetrieve(conversation)
        }
    }
}
