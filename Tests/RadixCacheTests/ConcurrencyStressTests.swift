import Foundation
import Synchronization
import Testing
import TestSupport
@testable import RadixCache

/// Reader threads look up while one writer inserts and evicts. Run under
/// ThreadSanitizer by scripts/tsan-radix.sh; any race it sees fails the run.
@Suite struct ConcurrencyStressTests {
    static let readerCount = 4
    static let inserts = 1_500

    /// Conversations that grow turn by turn, so inserts share prefixes,
    /// split nodes and, over the small budget, evict.
    static func text(conversation: Int, turns: Int) -> String {
        (0...turns).map { "turn \($0) of conversation \(conversation): 中文 é\n" }.joined()
    }

    @Test func readersSeeConsistentMatchesWhileTheWriterInsertsAndEvicts() throws {
        let vocabulary = TestVocabulary.shared
        let cache = RadixCache(
            configuration: .init(maxTokens: 8_000, maxBytes: 1 << 30, versionWindow: 2, keepsUnretrieved: false),
            tokenBytes: vocabulary)
        let writerDone = Atomic<Bool>(false)
        let lookups = Atomic<Int>(0)
        let wrongMatches = Atomic<Int>(0)
        let readers = DispatchGroup()

        // Threads of their own: Dispatch's pool may run fewer at once than asked.
        for reader in 0..<Self.readerCount {
            readers.enter()
            Thread {
                defer { readers.leave() }
                var random = SeededGenerator(seed: UInt64(reader))
                repeat {
                    let query =
                        Self.text(
                            conversation: Int.random(in: 0..<40, using: &random),
                            turns: Int.random(in: 0..<12, using: &random)) + "next"
                    let match = cache.match(query)
                    // Every trajectory is tokenized byte by byte, with logprob -i/8 and mask i % 2 at byte i.
                    let expectedTokens = query.utf8.prefix(match.matchedByteCount).map(UInt32.init)
                    let expectedLogprobs = match.tokens.indices.map { -Double($0) / 8 }
                    if Array(match.tokens) != expectedTokens || Array(match.logprobs) != expectedLogprobs
                        || Array(match.lossMask) != match.tokens.indices.map({ UInt8($0 % 2) })
                        || match.weightVersions.count != match.tokens.count
                    {
                        wrongMatches.wrappingAdd(1, ordering: .relaxed)
                    }
                    if Int.random(in: 0..<64, using: &random) == 0 { _ = cache.statistics }
                    lookups.wrappingAdd(1, ordering: .relaxed)
                } while !writerDone.load(ordering: .acquiring)
            }.start()
        }

        var random = SeededGenerator(seed: 99)
        for index in 0..<Self.inserts {
            let text = Self.text(
                conversation: Int.random(in: 0..<40, using: &random),
                turns: Int.random(in: 0..<12, using: &random))
            let tokens = vocabulary.bytewise(text)
            try cache.insert(
                text: text, tokens: tokens, logprobs: tokens.indices.map { -Double($0) / 8 },
                lossMask: tokens.indices.map { UInt8($0 % 2) }, weightVersion: String(index / 100))
        }
        writerDone.store(true, ordering: .releasing)
        readers.wait()

        let statistics = cache.statistics
        #expect(wrongMatches.load(ordering: .relaxed) == 0)
        #expect(statistics.hits + statistics.misses == lookups.load(ordering: .relaxed))
        #expect(statistics.evictedNodes > 0)
        #expect(Ledger.counting(cache.currentSnapshot.root) == cache.currentSnapshot.ledger)
    }
}
