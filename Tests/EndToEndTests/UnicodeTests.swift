import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// Texts the tokenizer normalizes (Qwen3: NFC) before tokenizing.
    @Suite struct Unicode {
        /// "é" written as "e" + U+0301: the worker sees the composed
        /// character's ids. The trajectory must still be stored and found
        /// again under the text the client sent and will send next turn.
        @Test func decomposedCharactersInThePromptAreStillCached() throws {
            let cluster = try Cluster()
            let conversation = Conversation(system: "Cafe\u{301} cre\u{300}me bru\u{302}le\u{301}e.")
            #expect(Array(conversation.system.utf8) != Array(conversation.system.precomposedStringWithCanonicalMapping.utf8))
            try cluster.turn(conversation, user: "Order a cafe\u{301}, please.", rid: "nfd-1")
            try cluster.checkRetrieve(conversation)
            // The next turn reuses the ids (the whole first trajectory is a cache hit).
            try cluster.turn(conversation, user: "Another one.", rid: "nfd-2")
            try cluster.checkRetrieve(conversation)
            #expect(try cluster.router.cacheMetric("trajectories_not_stored") == 0)
        }
    }
}
