import JSON
import Testing

@Suite struct JSONObjectEditorTests {
    @Test func anEncodedValueReplacesAMemberAndEveryOtherByteStays() throws {
        let source = Array(#"{"text": "hi",  "sampling_params" : {"temperature":0.70}, "rid":"a"}"#.utf8)
        var editor = try JSONObjectEditor(source)
        var ids: [UInt8] = []
        writeJSONArray([1, 22, 4_294_967_295], to: &ids)
        editor.set("input_ids", encoded: ids, replacing: "text")
        editor.set("return_logprob", .bool(true))
        #expect(
            String(decoding: editor.serialized(), as: UTF8.self)
                == #"{"input_ids":[1,22,4294967295],  "sampling_params" : {"temperature":0.70}, "rid":"a","return_logprob":true}"#)
    }

    @Test func anEmptyArray() {
        var out: [UInt8] = []
        writeJSONArray([], to: &out)
        #expect(out == Array("[]".utf8))
    }
}
