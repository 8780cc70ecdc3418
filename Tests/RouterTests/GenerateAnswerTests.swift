import Testing
@testable import Router

/// The byte scans that spare the router a JSON parse of most `/generate`
/// bodies: they may say yes wrongly (then the parse decides), never no.
@Suite struct GenerateAnswerTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func anAbortIsAlwaysSuspected() {
        #expect(GenerateAnswer.mayBeAborted(bytes(#"{"meta_info":{"finish_reason":{"type":"abort"}}}"#)))
        // JSON may spell any letter as an escape.
        #expect(GenerateAnswer.mayBeAborted(bytes(#"{"meta_info":{"finish_reason":{"type":"\u0061bort"}}}"#)))
        #expect(GenerateAnswer.mayBeAborted(bytes(#"[{"text":"ok"},{"meta_info":{"finish_reason":{"type":"abort"}}}]"#)))
    }

    @Test func anOrdinaryAnswerNeedsNoParse() {
        #expect(!GenerateAnswer.mayBeAborted(bytes(#"{"text":"Hi","meta_info":{"finish_reason":{"type":"stop"}}}"#)))
        #expect(!GenerateAnswer.mayBeAborted([]))
    }

    @Test func onlyABodyMentioningStreamIsParsedForIt() {
        #expect(GenerateAnswer.asksToStream(bytes(#"{"text":"Hi","stream":true}"#)))
        #expect(!GenerateAnswer.asksToStream(bytes(#"{"text":"Hi","stream":false}"#)))
        #expect(!GenerateAnswer.asksToStream(bytes(#"{"text":"a \"stream\" of words"}"#)))
        #expect(!GenerateAnswer.asksToStream(bytes(#"{"text":"Hi"}"#)))
    }
}
