import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// `/retrieve_from_text` on bad input and on texts the cache never saw.
    @Suite struct RetrieveFromText {
        static let badBodies: [(String, [UInt8])] = [
            ("empty text", Array(#"{"text": ""}"#.utf8)),
            ("missing text", Array(#"{"prompt": "hello"}"#.utf8)),
            ("null text", Array(#"{"text": null}"#.utf8)),
            ("number text", Array(#"{"text": 42}"#.utf8)),
            ("list text", Array(#"{"text": ["a", "b"]}"#.utf8)),
            ("object text", Array(#"{"text": {"a": 1}}"#.utf8)),
            ("not JSON", Array("text=hello".utf8)),
            ("truncated JSON", Array(#"{"text": "hello"#.utf8)),
            ("JSON array", Array(#"["hello"]"#.utf8)),
            ("empty body", []),
            ("invalid UTF-8", Array(#"{"text": "ab"#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)),
        ]

        @Test func badInputGets400WithAJSONError() throws {
            let workers = try MockWorkerProcess.withQwen3Tokenizer(1)
            let router = try RouterProcess.withRadixTree(workers: [workers[0].url])
            for (name, body) in Self.badBodies {
                let response = try router.request(
                    "POST", "/retrieve_from_text",
                    headers: [("Content-Type", "application/json")], body: body)
                #expect(response.status == 400, "\(name): \(response.status) \(response.text)")
                #expect(isJSONError(response), "\(name): \(response.text)")
            }
        }

        /// A text the cache never saw: all of it tokenized as prompt.
        @Test func aCompleteMissIsAllPromptAndSaysSo() throws {
            let cluster = try Cluster()
            // Something is cached, but shares nothing with the text asked for.
            try cluster.turn(Conversation(system: "Cached."), user: "Anything.", rid: "seed")
            let text = "Zulu was never seen by this cache, not even its first word."
            let retrieved = try cluster.router.retrieve(text)
            let ids = cluster.tokenizer.ids(text)
            #expect(retrieved.tokens == ids)
            #expect(retrieved.response == text)
            #expect(retrieved.lossMask == Array(repeating: 0, count: ids.count))
            #expect(retrieved.rolloutLogp == Array(repeating: 0.0, count: ids.count))
            #expect(retrieved.tokenLength == ids.count)
            #expect(retrieved.lossMaskLength == ids.count)
            #expect(retrieved.cachedTokens == 0)
            #expect(!retrieved.cacheHit)
            #expect(retrieved.weightVersions.count == ids.count)
        }

        /// A cached conversation followed by text never seen: the cached part
        /// comes back as stored, the rest counts as prompt.
        @Test func aPartialMatchTokenizesTheRestAsPrompt() throws {
            let cluster = try Cluster()
            let conversation = Conversation(system: "Partial.")
            try cluster.turn(conversation, user: "Say a few words.", rid: "partial")
            let rest = Chat.endOfTurn + Chat.user("This part was never sent.")
            let retrieved = try cluster.router.retrieve(conversation.text + rest)
            let restIDs = cluster.tokenizer.rest(rest)
            #expect(retrieved.tokens == conversation.ids + restIDs)
            #expect(retrieved.lossMask == conversation.mask + Array(repeating: 0, count: restIDs.count))
            #expect(
                retrieved.rolloutLogp.map(\.bitPattern)
                    == (conversation.logp + Array(repeating: 0.0, count: restIDs.count)).map(\.bitPattern))
            #expect(retrieved.cachedTokens == conversation.ids.count)
            #expect(retrieved.cacheHit)
        }
    }
}
