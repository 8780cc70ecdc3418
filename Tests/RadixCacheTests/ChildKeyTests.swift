import Testing
@testable import RadixCache

@Suite struct ChildKeyTests {
    func key(_ token: String, length: Int? = nil) -> UInt64 {
        let bytes = Array(token.utf8)
        return bytes.withUnsafeBufferPointer { ChildKey.of($0.baseAddress!, length: length ?? bytes.count) }
    }

    @Test func aTokenAndTheTextItStartsShareAKey() {
        #expect(key(" the") == key(" the cat", length: 4))
        #expect(key(" th") == key(" the cat", length: 3))
        #expect(key(" the") != key(" th"))
        #expect(key(" them") != key(" the cat", length: 4))
    }

    @Test func tokensOfEightBytesOrMoreShareTheKeyOfTheirFirstSeven() {
        #expect(key(" wonderful") == key(" wonderland", length: 8))
        #expect(key(" wonderful") != key(" wonder"))
    }

    @Test func omittedTokensSortFirst() {
        #expect(ChildKey.of([0x41], length: 0) == ChildKey.omitted)
        #expect(key("\u{0}") > ChildKey.omitted)
    }

    @Test func findsTheOneChildAmongManyStartingWithASpace() throws {
        let vocabulary = TestVocabulary.shared
        let cache = RadixCache(tokenBytes: vocabulary)
        let words = [" world", " wor", " the"]
        for (index, word) in words.enumerated() {
            try cache.insert("Hello" + word + "!", [vocabulary.id("Hello"), vocabulary.id(word), 33], version: "\(index)")
        }
        #expect(Array(cache.match("Hello the!").tokens) == [vocabulary.id("Hello"), vocabulary.id(" the"), 33])
        #expect(Array(cache.match("Hello wor!").tokens) == [vocabulary.id("Hello"), vocabulary.id(" wor"), 33])
        #expect(Array(cache.match("Hello world!").tokens) == [vocabulary.id("Hello"), vocabulary.id(" world"), 33])
    }
}

@Suite struct ChildKeyQueryTests {
    func query(_ text: String) -> ChildKey.Query {
        Array(text.utf8).withUnsafeBufferPointer { ChildKey.Query($0.baseAddress!, available: $0.count) }
    }

    func key(_ token: String) -> UInt64 {
        Array(token.utf8).withUnsafeBufferPointer { ChildKey.of($0.baseAddress!, length: $0.count) }
    }

    @Test func admitsExactlyTheTokensThatStartTheText() {
        let text = query(" wonderful day")
        for token in [" ", " w", " won", " wonder", " wonderf", " wonderful"] {
            #expect(text.admits(key(token)), "\(token)")
        }
        for token in [" x", " wonk", " wonky wonders", "w"] {
            #expect(!text.admits(key(token)), "\(token)")
        }
        #expect(text.admits(ChildKey.omitted))
        // Long tokens are told apart by their first seven bytes only; the
        // search then compares their text.
        #expect(text.admits(key(" wonderland")))
    }

    @Test func aShortTextAdmitsNoLongerToken() {
        #expect(query(" wo").admits(key(" wo")))
        #expect(!query(" wo").admits(key(" won")))
    }

    @Test func keysForEachLengthAreTheTokensKeys() {
        let text = query(" wonderful day")
        #expect(text.key(length: 4) == key(" won"))
        #expect(text.key(length: 7) == key(" wonder"))
        #expect(text.key(length: 8) == key(" wonderful"))
    }
}
