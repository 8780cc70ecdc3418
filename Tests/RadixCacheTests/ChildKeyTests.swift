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
        #expect(cache.match("Hello the!").tokens == [vocabulary.id("Hello"), vocabulary.id(" the"), 33])
        #expect(cache.match("Hello wor!").tokens == [vocabulary.id("Hello"), vocabulary.id(" wor"), 33])
        #expect(cache.match("Hello world!").tokens == [vocabulary.id("Hello"), vocabulary.id(" world"), 33])
    }
}
