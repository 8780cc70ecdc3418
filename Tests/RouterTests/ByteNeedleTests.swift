import TestSupport
import Testing

@testable import Router

/// `ByteNeedle` against the plain search it stands for.
@Suite struct ByteNeedleTests {
    private func plainSearch(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    @Test func findsTheNeedleAtTheEdgesAndNowhereElse() {
        let needle = ByteNeedle("abort", rareByte: "b")
        #expect(needle.occurs(in: Array("abort".utf8)))
        #expect(needle.occurs(in: Array("xxabort".utf8)))
        #expect(needle.occurs(in: Array("abortxx".utf8)))
        #expect(needle.occurs(in: Array("b abbort aborb abort".utf8)))
        #expect(!needle.occurs(in: Array("abor".utf8)))
        #expect(!needle.occurs(in: Array("bort abor".utf8)))
        #expect(!needle.occurs(in: []))
    }

    /// Long haystacks go through memchr's wide path: the needle at the last
    /// place it fits, and a near miss there.
    @Test func findsTheNeedleAtTheEndOfALongHaystack() {
        let needle = ByteNeedle("abort", rareByte: "b")
        let filler = Array(repeating: UInt8(ascii: "x"), count: 10_000)
        let atTheEnd = needle.occurs(in: filler + Array("abort".utf8))
        let cutShort = needle.occurs(in: filler + Array("abor".utf8))
        let headless = needle.occurs(in: filler + Array("bort".utf8))
        #expect(atTheEnd && !cutShort && !headless)
    }

    /// Random haystacks over the needle's own letters, so that near misses are
    /// common; seeded, so that a failing haystack comes back on the next run.
    @Test(arguments: [("abort", "b"), ("abort", "t"), (#"\u"#, "\\"), (#""stream""#, "m"), ("aaab", "a")] as [(String, Unicode.Scalar)])
    func agreesWithAPlainSearch(text: String, rareByte: Unicode.Scalar) {
        let needle = ByteNeedle(text, rareByte: rareByte)
        let letters = Array(text.utf8) + [UInt8(ascii: "x")]
        var random = SeededGenerator(seed: 7)
        for _ in 0..<2_000 {
            let haystack = (0..<Int.random(in: 0...24, using: &random)).map { _ in letters.randomElement(using: &random)! }
            #expect(
                needle.occurs(in: haystack) == plainSearch(Array(text.utf8), in: haystack),
                "\(String(decoding: haystack, as: UTF8.self))")
        }
    }
}
