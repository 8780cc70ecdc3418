import JSON
import Testing

@testable import Router

/// Reading what the cache stores from a worker's `/generate` answer,
/// straight from its bytes: the values SGLang sent, nothing for an answer
/// that must not be cached, and an error for one that is not JSON.
@Suite struct GeneratedOutputTests {
    private func outputs(_ text: String) throws -> [GeneratedOutput?] {
        try GeneratedOutput.read(answer: Array(text.utf8))
    }

    private let finished = #""finish_reason":{"type":"stop","matched":151645}"#

    @Test func aFinishedAnswerGivesItsTokensAndValues() throws {
        let answer = """
            {"text":" 84.","output_ids":[220,23,19,151645],"meta_info":{"id":"gen-1",\(finished),
            "prompt_tokens":18,"weight_version":"v7","output_token_logprobs":
            [[-0.05,220,null],[-1.25e-3,23,"8"],[-0.30000000000000004,19,null],[0,151645,null]]}}
            """
        let output = try #require(try outputs(answer).first ?? nil)
        #expect(output.ids == [220, 23, 19, 151645])
        #expect(output.logprobs == [-0.05, -1.25e-3, -0.30000000000000004, 0])
        #expect(output.weightVersion == "v7")
        #expect(output.text == " 84.")
        #expect(output.workerID == "gen-1")
    }

    @Test func aBatchGivesOneOutputPerAnswer() throws {
        let one = #"{"output_ids":[5],"meta_info":{\#(finished),"output_token_logprobs":[[-1.5,5]]}}"#
        let unfinished = #"{"output_ids":[5],"meta_info":{"finish_reason":null,"output_token_logprobs":[[-1.5,5]]}}"#
        let read = try outputs("[\(one), \(unfinished), 3]")
        #expect(read.count == 3)
        #expect(read[0]?.ids == [5] && read[0]?.weightVersion == "default" && read[0]?.text == nil)
        #expect(read[1] == nil && read[2] == nil)
    }

    @Test func answersThatMustNotBeCachedGiveNothing() throws {
        let cases = [
            // aborted, the type spelled with an escape
            #"{"output_ids":[5],"meta_info":{"finish_reason":{"type":"\u0061bort"},"output_token_logprobs":[[-1.5,5]]}}"#,
            // not finished
            #"{"output_ids":[5],"meta_info":{"output_token_logprobs":[[-1.5,5]]}}"#,
            // one log-probability short
            #"{"output_ids":[5,6],"meta_info":{\#(finished),"output_token_logprobs":[[-1.5,5]]}}"#,
            // an entry without a number first
            #"{"output_ids":[5],"meta_info":{\#(finished),"output_token_logprobs":[[null,5]]}}"#,
            // an id that is no token id
            #"{"output_ids":[-5],"meta_info":{\#(finished),"output_token_logprobs":[[-1.5,5]]}}"#,
            #"{"output_ids":[4294967296],"meta_info":{\#(finished),"output_token_logprobs":[[-1.5,5]]}}"#,
            // meta_info is not an object
            #"{"output_ids":[5],"meta_info":7}"#,
        ]
        for answer in cases {
            let read = try outputs(answer)
            #expect(read.count == 1 && read[0] == nil, "\(answer)")
        }
    }

    @Test func aMemberNamedTwiceCountsByItsLastOccurrence() throws {
        let answer = """
            {"text":"a","output_ids":[1],"meta_info":{"finish_reason":{"type":"abort"},"weight_version":"old",
            "output_token_logprobs":[[-9,1]]},"text":"b","output_ids":[2],
            "meta_info":{\(finished),"output_token_logprobs":[[-1,2]],"weight_version":3}}
            """
        let output = try #require(try outputs(answer).first ?? nil)
        #expect(output.text == "b" && output.ids == [2] && output.logprobs == [-1] && output.weightVersion == "3")
    }

    @Test func namesAndIdsSpelledOtherwiseReadTheSame() throws {
        let answer = #"{"te\u0078t":"ü","output_ids":[1e2, 7.0],"meta_info":{\#(finished),"output_token_logprobs":[[-1,1],[-2,2]]}}"#
        let output = try #require(try outputs(answer).first ?? nil)
        #expect(output.text == "ü" && output.ids == [100, 7])
    }

    @Test func bytesThatAreNotJSONAreAnError() {
        let broken = [
            "", "{", #"{"output_ids":[1,]}"#, #"{"meta_info":{"id":"\ud800"}}"#, #"{"a":1} x"#,
            #"{"text":"\#u{1}"}"#, String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        ]
        for text in broken {
            #expect(throws: JSONParser.Error.self, "\(text)") { try outputs(text) }
        }
        #expect(throws: JSONParser.Error.self) { try GeneratedOutput.read(answer: [0x22, 0xFF, 0x22]) }
    }
}
