import Testing
@testable import Tokenizer

/// The added-token trie on its own: leftmost matches, the longest of the
/// tokens starting at a place, tokens that are prefixes of others, and a
/// walk that fails part-way through a longer token.
@Suite struct AddedTokenMatcherTests {
    static func token(_ id: TokenID, _ content: String) -> AddedToken {
        AddedToken(
            id: id, content: content, special: true, lstrip: false, rstrip: false, singleWord: false,
            normalized: false)
    }

    static let matcher = AddedTokenMatcher([
        token(1, "<a>"), token(2, "<a>b"), token(3, "<ab"), token(4, "<|x|>"), token(5, "<|y|>"), token(6, "z"),
    ])

    static func pieces(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { utf8 in
            var out: [String] = []
            matcher.split(utf8) { range, id in
                let piece = String(decoding: UnsafeBufferPointer(rebasing: utf8[range]), as: UTF8.self)
                out.append(id.map { "\(piece)=\($0)" } ?? piece)
            }
            return out
        }
    }

    @Test func longestTokenAtTheLeftmostPlaceWins() {
        #expect(Self.pieces("q<a>bc") == ["q", "<a>b=2", "c"])
        #expect(Self.pieces("<a>c<abz") == ["<a>=1", "c", "<ab=3", "z=6"])
        #expect(Self.pieces("<|x|><|y|>") == ["<|x|>=4", "<|y|>=5"])
    }

    @Test func aWalkFailingPartWayMatchesLaterTokens() {
        #expect(Self.pieces("<|x<a>") == ["<|x", "<a>=1"])
        #expect(Self.pieces("<|y|") == ["<|y|"])
        #expect(Self.pieces("<<a") == ["<<a"])
        #expect(Self.pieces("") == [])
    }
}
