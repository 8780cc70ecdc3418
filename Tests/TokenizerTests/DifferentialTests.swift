import Foundation
import Testing
@testable import Tokenizer

/// Our ids and decodes against HF `tokenizers` on the generated corpus
/// (many scripts, emoji, combining marks, whitespace runs, digits,
/// contractions, code, added tokens mid-text, non-NFC text, combining
/// marks against special tokens), directly and through `normalized`.
@Suite struct DifferentialTests {
    static let fixtures = ["qwen3", "qwen3-pairs", "llama3", "gpt2", "edge"]
    /// Fixtures whose decode gives the NFC text back (no prefix space, no
    /// stripping added tokens).
    static let roundTripping: Set<String> = ["qwen3", "qwen3-pairs", "llama3", "gpt2"]

    @Test(arguments: fixtures)
    func matchesOracle(fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(fixture)
        let corpus = try Fixtures.corpus()
        let expected = try Fixtures.json(fixture + "/expected.json") as! [String: Any]
        let ids = idLists(expected["ids"]), withSpecial = idLists(expected["ids_with_special"])
        let decoded = expected["decoded"] as! [String]
        let decodedSkipping = expected["decoded_skipping_special"] as! [String]
        try #require(ids.count == corpus.count)

        var mismatches = 0
        for (i, text) in corpus.enumerated() {
            let ours = tokenizer.encode(text)
            // The router keys the cache by the normalized text, then encodes it.
            let ok =
                ours == ids[i] && tokenizer.encode(tokenizer.normalized(text)) == ids[i]
                && tokenizer.encode(text, addSpecialTokens: true) == withSpecial[i]
                && tokenizer.decode(ids[i]) == decoded[i]
                && tokenizer.decode(ids[i], skipSpecialTokens: true) == decodedSkipping[i]
                && (!Self.roundTripping.contains(fixture) || tokenizer.decode(ours) == Normalizer.nfc(text))
            if !ok {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(fixture) text #\(i) \(text.debugDescription):\n ours \(ours)\n hf   \(ids[i])")
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(corpus.count) texts differ")
    }
}
