import EventLoop
import Foundation
import Logging
import RadixCache
import Synchronization
import Testing
import TestSupport
import Tokenizer
@testable import Router

/// `TokenCache.store` hands inserts between the event loop (those bounded
/// by `isShortEnoughForTheLoop`, while the writer thread is idle) and the
/// writer thread (the rest), one
/// writer at a time, while readers on other threads match. Multi-turn
/// conversations, some turns too long for the loop, must come back with
/// exactly the values generated. Run under ThreadSanitizer by
/// scripts/tsan-radix.sh. In-process, with the Qwen3 tokenizer.
@Suite struct TokenCacheHandOffTests {
    static let tokenizer = Result { try Tokenizer.load(directory: try TokenizerFixtures.qwen3Directory()) }

    /// One client: a conversation that sends its next turn once the last one is stored.
    final class Conversation {
        let number: Int
        let turns: Int
        var name: String { "conversation \(number)" }
        var turn = 0
        /// The last stored trajectory's text and values.
        var text = ""
        var ids: [UInt32] = []
        var logprobs: [Double] = []
        var lossMask: [UInt8] = []

        init(number: Int, turns: Int) {
            self.number = number
            self.turns = turns
        }
    }

    /// Threads that call `body` with a round number until stopped.
    final class Readers: Sendable {
        private let stopped = Atomic<Bool>(false)
        private let done = DispatchGroup()

        func start(_ body: @escaping @Sendable (Int) -> Void) {
            done.enter()
            Thread { [self] in
                var round = 0
                while !stopped.load(ordering: .relaxed) {
                    body(round)
                    round += 1
                }
                done.leave()
            }.start()
        }

        /// Stops them and waits until each has.
        func stop() {
            stopped.store(true, ordering: .relaxed)
            done.wait()
        }
    }

    /// A worker's finished `/generate` answer (`text` needs no escapes).
    static func answer(text: String, ids: [UInt32], logprobs: [Double]) -> [UInt8] {
        let entries = zip(logprobs, ids).map { "[\($0), \($1), null]" }.joined(separator: ",")
        return Array(
            """
            {"text": "\(text)", "output_ids": [\(ids.map(String.init).joined(separator: ","))], "meta_info": \
            {"finish_reason": {"type": "stop"}, "weight_version": "1", "output_token_logprobs": [\(entries)]}}
            """.utf8)
    }

    /// A token cache on a loop of its own, with the Qwen3 tokenizer, and the
    /// names of the generations it has stored, in order.
    final class Harness {
        // Before the loop: stored properties go in order, and the cache's
        // wake-up handle must close before its loop does.
        let tokens: TokenCache
        let loop: EventLoop
        let tokenizer: Tokenizer
        var completed: [String] = []

        init(_ configuration: RadixCache.Configuration = .init(keepsUnretrieved: false)) throws {
            let loop = EventLoop()
            self.loop = loop
            tokenizer = try TokenCacheHandOffTests.tokenizer.get()
            tokens = TokenCache(
                tokenizer: tokenizer, configuration: configuration, loop: loop,
                logger: Logger(label: "token-cache-hand-off"))
        }

        /// Stores one generation, `words` words after the prompt
        /// "`context``name`: ", each token with `logprob`; `completed` gets
        /// `name` once it is stored.
        func store(_ name: String, after context: String = "", words: Int, logprob: Double = -0.5) throws {
            let prompt = PromptRecord(tokens.encoder.encode("\(context)\(name): "))
            let text = String(repeating: " word", count: words) + "."
            let ids = tokenizer.encode(text)
            let answer = TokenCacheHandOffTests.answer(text: text, ids: ids, logprobs: ids.map { _ in logprob })
            let output = try #require(try GeneratedOutput.read(answer: answer).first ?? nil)
            tokens.store([prompt], [output], rids: [name], servedBy: nil, recordingIn: nil) { self.completed.append(name) }
        }
    }

    /// While the writer thread has an insert to do, the loop stores
    /// nothing itself: a short trajectory that finishes meanwhile waits its
    /// turn behind it (one writer at a time, in order). Once the writer is
    /// idle, the loop stores a short one at once.
    @Test func whileTheWriterHasWorkShortTrajectoriesQueueBehindIt() throws {
        let harness = try Harness()
        try harness.store("long", words: TokenCache.loopInsertTokenLimit)
        try harness.store("short", words: 3)
        #expect(harness.completed.isEmpty)
        harness.loop.run()
        #expect(harness.completed == ["long", "short"])
        try harness.store("short, the writer idle", words: 3)
        #expect(harness.completed == ["long", "short", "short, the writer idle"])
        #expect(harness.tokens.trajectoriesStored == 3)
    }

    /// A conversation past `loopInsertTokenLimit` tokens whose earlier turn
    /// is cached: its next turn adds a few tokens, and the loop stores it.
    @Test func aLongConversationsShortNextTurnIsStoredOnTheLoop() throws {
        let harness = try Harness()
        let words = TokenCache.loopInsertTokenLimit
        try harness.store("first", words: words)
        harness.loop.run()
        #expect(harness.completed == ["first"])  // the writer's: a fresh trajectory over the limit
        let firstTurn = "first: " + String(repeating: " word", count: words) + "."
        try harness.store("next", after: firstTurn, words: 3)
        #expect(harness.completed == ["first", "next"])
        let found = harness.tokens.cache.match(firstTurn + "next:  word word word.")
        #expect(found.tokenCount > words && found.logprobs.suffix(3).allSatisfy { $0 == -0.5 })
    }

    /// A short trajectory the cache would not store quickly (it must evict)
    /// goes to the writer thread as the loop built it, and its completion
    /// waits for it.
    @Test func aShortTrajectoryTheCacheDeclinesIsStoredByTheWriter() throws {
        let harness = try Harness(.init(maxTokens: 40, keepsUnretrieved: false))
        try harness.store("first", words: 20, logprob: -0.25)
        #expect(harness.completed == ["first"])  // on the loop: it fits
        try harness.store("second", words: 20, logprob: -0.25)
        #expect(harness.completed == ["first"])  // it evicts: the writer stores it
        harness.loop.run()
        #expect(harness.completed == ["first", "second"])
        let tokens = harness.tokens
        #expect(tokens.trajectoriesStored == 2 && tokens.trajectoriesNotStored.isEmpty)
        #expect(tokens.cache.statistics.evictedNodes > 0)
        let found = tokens.cache.match("second: " + String(repeating: " word", count: 20) + ".")
        #expect(found.logprobs.suffix(3).allSatisfy { $0 == -0.25 })
    }

    /// A batch's items are stored in one call, each after its own prompt:
    /// one whose prompt was not recorded is passed over, an unfinished one
    /// counted as such, and each stored one named by its rid, else by the
    /// worker's id, else by the next unnamed name in turn. The completion
    /// runs once, also when nothing is stored.
    @Test func aBatchStoresItsFinishedItemsUnderTheirNames() throws {
        let harness = try Harness()
        let tokens = harness.tokens, tokenizer = harness.tokenizer
        func prompt(_ name: String) -> PromptRecord { PromptRecord(tokens.encoder.encode("\(name): ")) }
        func output(_ text: String, workerID: String? = nil) throws -> GeneratedOutput {
            let ids = tokenizer.encode(text)
            let entries = ids.map { "[-0.5, \($0), null]" }.joined(separator: ",")
            let id = workerID.map { #", "id": "\#($0)""# } ?? ""
            let answer = """
                {"text": "\(text)", "output_ids": [\(ids.map(String.init).joined(separator: ","))], "meta_info": \
                {"finish_reason": {"type": "stop"}\(id), "output_token_logprobs": [\(entries)]}}
                """
            return try #require(try GeneratedOutput.read(answer: Array(answer.utf8)).first ?? nil)
        }
        var completions = 0
        tokens.store([nil], [try output(" none.")], rids: [nil], servedBy: nil, recordingIn: nil) { completions += 1 }
        #expect(completions == 1 && tokens.trajectoriesStored == 0 && tokens.trajectoriesNotStored.isEmpty)

        let prompts = [prompt("a"), nil, prompt("c"), prompt("d"), prompt("e"), prompt("f")]
        let outputs = [
            try output(" one."), try output(" two."), nil, try output(" four.", workerID: "worker-d"),
            try output(" five.", workerID: "worker-e"), try output(" six."),
        ]
        tokens.store(prompts, outputs, rids: [nil, "b", "c", nil, "e", nil], servedBy: nil, recordingIn: nil) {
            completions += 1
        }
        if completions == 1 { harness.loop.run() }
        #expect(completions == 2)
        #expect(tokens.trajectoriesStored == 4 && tokens.trajectoriesNotStored == [.unfinished: 1])
        let named = [("a:  one.", "slime-router-1"), ("d:  four.", "worker-d"), ("e:  five.", "e"), ("f:  six.", "slime-router-2")]
        for (text, generation) in named {
            #expect(!tokens.cache.match(text, options: .init(generation: generation)).isMiss, "\(text) as \(generation)")
        }
        #expect(tokens.cache.match("b:  two.").isMiss && tokens.cache.match("c: ").isMiss)
        #expect(tokens.cache.match("a:  one.", options: .init(generation: "slime-router-2")).isMiss)
    }

    @Test func conversationsStoredByTheLoopAndTheWriterComeBackExactly() throws {
        let harness = try Harness()
        let tokenizer = harness.tokenizer, loop = harness.loop, tokens = harness.tokens
        let turns = 6
        let conversations = (0..<8).map { Conversation(number: $0, turns: turns) }
        // A reader on a thread of its own, lock-free beside both writers
        // (one: the writer thread must get a core while the loop stores).
        let cache = tokens.cache, readers = Readers()
        readers.start { round in
            _ = cache.match("conversation \(round % 8), turn \(round % turns): ", options: .init(includesTails: round % 2 == 0))
        }

        var storedOnTheLoop = 0, storedByTheWriter = 0, finished = 0
        var promptMismatches: [String] = []
        func send(_ conversation: Conversation) {
            let turn = conversation.turn
            let prompt = tokens.encoder.encode(conversation.text + "\(conversation.name), turn \(turn): ")
            // The earlier turns come back as stored, values and all.
            let known = prompt.match.tokenCount
            if turn > 0, known == 0 || Array(prompt.ids.prefix(known)) != Array(conversation.ids.prefix(known)) {
                promptMismatches.append("\(conversation.name) turn \(turn): \(known) tokens matched")
            }
            let record = PromptRecord(prompt)
            // Every third turn is too long for the loop, at other turns in
            // different conversations: while the writer thread stores one,
            // others finish. Log-probabilities alternate between values a
            // Float holds and values it does not.
            let isLong = (turn + conversation.number) % 3 == 1
            let answer = String(repeating: " word", count: isLong ? TokenCache.loopInsertTokenLimit : 12) + "."
            let ids = tokenizer.encode(answer)
            let logprobs = ids.indices.map { $0 % 2 == 0 ? -Double($0 + turn) / 8 : -Double($0 + turn) / 10 }
            guard let output = try? GeneratedOutput.read(answer: Self.answer(text: answer, ids: ids, logprobs: logprobs)).first ?? nil
            else {
                Issue.record("the answer to \(conversation.name) turn \(turn) was not read")
                return
            }
            var returned = false
            tokens.store([record], [output], rids: ["\(conversation.name)/\(turn)"], servedBy: nil, recordingIn: nil) {
                if returned { storedByTheWriter += 1 } else { storedOnTheLoop += 1 }
                conversation.text = record.text + answer
                conversation.ids = record.ids + ids
                conversation.logprobs = record.logprobs + logprobs
                conversation.lossMask = record.lossMask + Array(repeating: 1, count: ids.count)
                conversation.turn += 1
                if conversation.turn < conversation.turns {
                    send(conversation)
                } else {
                    finished += 1
                }
            }
            returned = true
        }
        conversations.forEach(send)
        loop.run()
        readers.stop()

        #expect(finished == conversations.count)
        #expect(promptMismatches.isEmpty, "\(promptMismatches)")
        #expect(tokens.trajectoriesStored == conversations.count * turns && tokens.trajectoriesNotStored.isEmpty)
        #expect(storedOnTheLoop > 0 && storedByTheWriter > 0)
        for conversation in conversations {
            let found = tokens.cache.match(conversation.text, options: .retrieval())
            #expect(found.tokenCount == conversation.ids.count, "\(conversation.name)")
            #expect(Array(found.tokens) == conversation.ids, "\(conversation.name)")
            #expect(found.logprobs.map(\.bitPattern) == conversation.logprobs.map(\.bitPattern), "\(conversation.name)")
            #expect(Array(found.lossMask) == conversation.lossMask, "\(conversation.name)")
        }
    }
}
