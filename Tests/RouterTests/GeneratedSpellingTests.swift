import Testing
import TestSupport
import Tokenizer
@testable import Router

/// How a generation is keyed: the client's text as far as the tokens spell
/// it, then the tail the client did not see, spelled out. In-process, with
/// the Qwen3 tokenizer.
@Suite struct GeneratedSpellingTests {
    static let tokenizer = Result { try Tokenizer.load(directory: try TokenizerFixtures.qwen3Directory()) }
    let endOfTurn: UInt32 = 151645  // <|im_end|>

    func ids(_ text: String) throws -> [UInt32] { try Self.tokenizer.get().encode(text) }

    func spelling(_ ids: [UInt32], client: String?) throws -> GeneratedSpelling {
        GeneratedSpelling(ids: ids, clientText: client, tokenizer: try Self.tokenizer.get())
    }

    @Test func theStopTokenTheTextLeavesOutIsTheTail() throws {
        let spelled = try spelling(try ids("Four.") + [endOfTurn], client: "Four.")
        #expect(spelled.text == "Four.<|im_end|>")
        #expect(spelled.tailCount == 1)
        #expect(spelled.storedCount == (try ids("Four.")).count + 1)
    }

    @Test func aTrimmedStopStringIsTheTail() throws {
        let stop = try ids("\n\nUser:")
        let spelled = try spelling(try ids("The answer is 4.") + stop, client: "The answer is 4.")
        #expect(spelled.text == "The answer is 4.\n\nUser:")
        #expect(spelled.tailCount == stop.count)
    }

    /// A stop string that starts inside a token: that token begins the tail.
    @Test func aStopStringTrimmedInsideATokenStartsTheTailThere() throws {
        let tokens = try ids("hello world")
        try #require(tokens.count == 2)
        let spelled = try spelling(tokens, client: "hello wo")
        #expect(spelled.text == "hello world")
        #expect(spelled.tailCount == 1)
    }

    @Test func aLengthFinishHasNoTail() throws {
        let tokens = try ids("just text")
        let spelled = try spelling(tokens, client: "just text")
        #expect(spelled.text == "just text" && spelled.tailCount == 0 && spelled.storedCount == tokens.count)
    }

    /// SGLang skips special tokens anywhere in `text`: one inside the output takes no bytes of the key.
    @Test func aSpecialTokenInsideTheOutputTakesNoBytes() throws {
        let start: UInt32 = 151644  // <|im_start|>
        let spelled = try spelling(try ids("ab") + [start] + (try ids("cd")) + [endOfTurn], client: "abcd")
        #expect(spelled.text == "abcd<|im_end|>")
        #expect(spelled.tailCount == 1)
    }

    /// Output cut inside a UTF-8 character (a length finish) is stored up
    /// to the last token that ends on a whole character, client text or not.
    @Test func outputEndingInsideACharacterIsCutBackToTheLastWholeOne() throws {
        // "ok", " " and the llama's first two bytes, its third: its fourth is missing.
        let tokens = Array(try ids("ok 🦙").dropLast())
        #expect(tokens.count == 3)
        for client in [nil, "ok"] as [String?] {
            let spelled = try spelling(tokens, client: client)
            #expect(
                spelled.text == "ok" && spelled.storedCount == 1 && spelled.tailCount == 0, "\(String(describing: client))")
        }
    }

    /// The visible tokens' ends (one a special token the text leaves out)
    /// decide where output cut inside a character is cut back to.
    @Test func outputCutInsideACharacterAfterAnOmittedSpecialTokenKeepsTheVisibleTokens() throws {
        let start: UInt32 = 151644  // <|im_start|>
        let visible = try ids("ab") + [start] + (try ids("cd"))
        let cut = Array(try ids("cd 🦙").dropFirst((try ids("cd")).count).dropLast())
        try #require(cut.count == 2)
        let spelled = try spelling(visible + cut, client: "abcd")
        #expect(spelled.text == "abcd")
        #expect(spelled.storedCount == visible.count)
        #expect(spelled.tailCount == 0)
    }

    @Test func withoutClientTextOrWithTextTheTokensDoNotSpellEveryTokenIsSpelledOut() throws {
        let tokens = try ids("Four.") + [endOfTurn]
        for client in [nil, "Five.", "Four.!"] as [String?] {
            let spelled = try spelling(tokens, client: client)
            #expect(spelled.text == "Four.<|im_end|>" && spelled.tailCount == 0, "\(String(describing: client))")
        }
    }
}

@Suite struct RateLimitedWarningTests {
    @Test func warnsAtMostOncePerIntervalAndCountsWhatItLeftUnsaid() {
        var warning = RateLimitedWarning(intervalNanoseconds: 10)
        #expect(warning.shouldWarn(now: 100) == 0)
        #expect(warning.shouldWarn(now: 105) == nil)
        #expect(warning.shouldWarn(now: 109) == nil)
        #expect(warning.shouldWarn(now: 110) == 2)
        #expect(warning.shouldWarn(now: 111) == nil)
        #expect(warning.shouldWarn(now: 200) == 1)
    }
}
