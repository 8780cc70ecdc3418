import JSON
import Testing

@testable import Router

/// Reading a client's `/generate` body for the radix-tree middleware and
/// rewriting it for the worker: the prompts, rids and flags as the client
/// gave them, every other byte kept, and a clear error for a body the
/// middleware cannot serve.
@Suite struct GenerateBodyTests {
    /// Some ids of the tests spelled from the table, others (1000 and above) formatted.
    private let spellings = IntegerSpellings(below: 1_000)

    private func body(_ text: String) throws(ClientError) -> GenerateBody {
        try GenerateBody(Array(text.utf8))
    }

    private func rewritten(_ text: String, ids: [[UInt32]]) throws -> String {
        String(decoding: try body(text).rewritten(ids: ids, spelledBy: spellings), as: UTF8.self)
    }

    private func error(_ text: String) -> String? {
        do {
            _ = try body(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func oneTextPromptIsReadWithItsMembers() throws {
        let parsed = try body(#"{"text":"a\nb \u00e9","rid":"r-1","stream":true,"sampling_params":{"max_new_tokens":4}}"#)
        guard case .texts(let texts) = parsed.prompts else { Issue.record("not texts"); return }
        #expect(texts == ["a\nb é"])
        #expect(!parsed.isBatch)
        #expect(parsed.streams)
        #expect(parsed.rids == ["r-1"])
        #expect(!parsed.clientAskedForLogprobs)
    }

    @Test func aBatchOfTextsNamesOneRidEach() throws {
        let parsed = try body(#"{"text":["a","b"],"rid":["x","y"],"stream":null,"return_logprob":true}"#)
        guard case .texts(let texts) = parsed.prompts else { Issue.record("not texts"); return }
        #expect(texts == ["a", "b"])
        #expect(parsed.isBatch)
        #expect(!parsed.streams)
        #expect(parsed.rids == ["x", "y"])
        #expect(parsed.clientAskedForLogprobs)
    }

    @Test func idListsAreReadAsGiven() throws {
        let one = try body(#"{"input_ids":[0, 151645 ,4294967295]}"#)
        guard case .ids(let lists) = one.prompts else { Issue.record("not ids"); return }
        #expect(lists == [[0, 151645, 4_294_967_295]])
        #expect(!one.isBatch)
        #expect(one.rids == [nil])

        let batch = try body(#"{"input_ids":[[1,2],[],[3]],"text":null}"#)
        guard case .ids(let batchLists) = batch.prompts else { Issue.record("not ids"); return }
        #expect(batchLists == [[1, 2], [], [3]])
        #expect(batch.isBatch)
        #expect(batch.rids == [nil, nil, nil])
    }

    @Test func theLastOfARepeatedMemberCounts() throws {
        let parsed = try body(#"{"text":"a","stream":7,"stream":false,"rid":1,"rid":"r","return_logprob":true,"return_logprob":0}"#)
        #expect(!parsed.streams)
        #expect(parsed.rids == ["r"])
        #expect(!parsed.clientAskedForLogprobs)
    }

    @Test func aMemberNameSpelledWithEscapesIsTheSameMember() throws {
        let parsed = try body(#"{"te\u0078t":"hi","\u0072id":"r"}"#)
        guard case .texts(let texts) = parsed.prompts else { Issue.record("not texts"); return }
        #expect(texts == ["hi"])
        #expect(parsed.rids == ["r"])
    }

    @Test func theTextBecomesInputIDsInPlaceAndLogprobsAreTurnedOn() throws {
        #expect(
            try rewritten(#"{"sampling_params": {"t": 1.50}, "text" : "hi", "x": [1,2]}"#, ids: [[9, 10, 151645]])
                == #"{"sampling_params": {"t": 1.50}, "input_ids":[9,10,151645], "x": [1,2],"return_logprob":true}"#)
        #expect(
            try rewritten(#"{"text": ["a", "b"], "return_logprob": false}"#, ids: [[1], [2, 3]])
                == #"{"input_ids":[[1],[2,3]], "return_logprob":true}"#)
        // The flag before the text: both edits where each lies.
        #expect(
            try rewritten(#"{"return_logprob":null,"text":"a"} "#, ids: [[5]])
                == #"{"return_logprob":true,"input_ids":[5]} "#)
        // Asked for: the flag stays as the client spelled it.
        #expect(
            try rewritten(#"{"text":"a","return_logprob" : true}"#, ids: [[5]])
                == #"{"input_ids":[5],"return_logprob" : true}"#)
    }

    /// A batch's lists, empty ones among them, each spelled whole: ids the
    /// table holds and ids past it (up to the largest the cache takes,
    /// 2^23 - 1), the last one's word store within the body's room.
    @Test func aBatchsListsAreSpelledWholeEmptyOnesAndLargeIdsAmongThem() throws {
        let lists: [[UInt32]] = [[], [999, 1_000, 8_388_607], [], [8_388_607], [0, 999]]
        let spelled = lists.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",")
        #expect(
            try rewritten(#"{"text": ["a", "b", "c", "d", "e"]}"#, ids: lists)
                == #"{"input_ids":[\#(spelled)],"return_logprob":true}"#)
    }

    @Test func idsKeepTheirBytesAndOnlyTheFlagIsAdded() throws {
        let source = #"{"input_ids": [1, 2], "my_extension": {"a": [1, 2.50]}}"#
        let parsed = try body(source)
        guard case .ids(let lists) = parsed.prompts else { Issue.record("not ids"); return }
        #expect(
            String(decoding: parsed.rewritten(ids: lists, spelledBy: spellings), as: UTF8.self)
                == #"{"input_ids": [1, 2], "my_extension": {"a": [1, 2.50]},"return_logprob":true}"#)
    }

    @Test func bodiesTheMiddlewareCannotServeGetAClearError() {
        let cases: [(String, String)] = [
            (#"{"text": "hello", "#, "request body must be a JSON object"),
            (#"["text"]"#, "request body must be a JSON object"),
            (#"{"text": "a", "x": [1 2]}"#, "request body must be a JSON object"),
            (#"{"text": "a", "text": "b"}"#, #""text" appears more than once"#),
            (#"{"input_ids": [1], "input_ids": [2]}"#, #""input_ids" appears more than once"#),
            (#"{"text": "a", "input_ids": [1]}"#, #"give either "text" or "input_ids", not both"#),
            (#"{"text": null, "input_ids": null}"#, #""text" or "input_ids" is required"#),
            (#"{"text": 42}"#, #""text" must be a string or a non-empty list of strings"#),
            (#"{"text": ["a", 1]}"#, #""text" must be a string or a non-empty list of strings"#),
            (#"{"text": []}"#, #""text" must be a string or a non-empty list of strings"#),
            (#"{"input_ids": []}"#, #""input_ids" must be a non-empty list of token ids or of lists of them"#),
            (#"{"input_ids": "1"}"#, #""input_ids" must be a non-empty list of token ids or of lists of them"#),
            (#"{"input_ids": [[1], 2]}"#, #""input_ids" items must be lists of token ids"#),
            (#"{"input_ids": [[1], [-2]]}"#, #""input_ids" must hold non-negative integer token ids"#),
            (#"{"input_ids": [1, [2]]}"#, #""input_ids" must hold non-negative integer token ids"#),
            (#"{"input_ids": [1.0]}"#, #""input_ids" must hold non-negative integer token ids"#),
            (#"{"input_ids": [1e2]}"#, #""input_ids" must hold non-negative integer token ids"#),
            (#"{"input_ids": [-0]}"#, #""input_ids" must hold non-negative integer token ids"#),
            (#"{"input_ids": [4294967296]}"#, #""input_ids" must hold non-negative integer token ids"#),
            (#"{"input_ids": [12345678901]}"#, #""input_ids" must hold non-negative integer token ids"#),
            (#"{"text": "a", "rid": 7}"#, #""rid" must be a string"#),
            (#"{"text": "a", "rid": ["a"]}"#, #""rid" must be a string"#),
            (#"{"text": ["a", "b"], "rid": "one"}"#, #""rid" must be a list of 2 strings, one per prompt"#),
            (#"{"text": ["a", "b"], "rid": ["x", 2]}"#, #""rid" must be a list of 2 strings, one per prompt"#),
            (#"{"text": ["a", "b"], "rid": ["x"]}"#, #""rid" must be a list of 2 strings, one per prompt"#),
            (#"{"text": "a", "stream": "yes"}"#, #""stream" must be a boolean"#),
        ]
        for (source, expected) in cases {
            let message = error(source)
            #expect(message?.hasPrefix(expected) == true, "\(source): \(message ?? "accepted")")
        }
    }

    @Test func aBadValueAfterAnIDIsStillAJSONError() {
        // The id is refused, and what follows it must still be JSON.
        for source in [#"{"input_ids": [-1"x"]}"#, #"{"input_ids": [[1.5 2]]}"#, #"{"input_ids": [1, tru]}"#] {
            #expect(error(source)?.hasPrefix("request body must be a JSON object") == true, "\(source)")
        }
    }
}
