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

    /// `text` as `matcher` splits it: plain pieces, and matched ones as `piece=id`.
    static func pieces(_ text: String, by matcher: AddedTokenMatcher = matcher) -> [String] {
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

/// A trie node with many edges: the binary search over its sorted edges
/// finds each one, and no byte between, below or above them.
@Suite struct AddedTokenMatcherManyEdgesTests {
    /// `<0>` … `<9>` and `<a>` … `<f>`, added out of order.
    static let contents = (Array("a9b0f17c3e2d4568")).map { "<\($0)>" }
    static let matcher = AddedTokenMatcher(
        contents.enumerated().map { AddedTokenMatcherTests.token(TokenID(100 + $0.offset), $0.element) })

    static func pieces(_ text: String) -> [String] { AddedTokenMatcherTests.pieces(text, by: matcher) }

    @Test func everyEdgeIsFound() {
        for (index, content) in Self.contents.enumerated() {
            #expect(Self.pieces("x\(content)y") == ["x", "\(content)=\(100 + index)", "y"])
        }
    }

    @Test func bytesBetweenBelowAndAboveTheEdgesMatchNothing() {
        for text in ["</>", "<:>", "<`>", "<g>", "<\u{7F}>", "<\u{00}>", "<A>"] {
            #expect(Self.pieces(text) == [text])
        }
    }
}
