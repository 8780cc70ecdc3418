import FuzzSupport
import JSON
@testable import Router

/// The `/generate` body rewrite: whatever a client sends is refused with a
/// clear error (a JSON one exactly when the parser refuses it) or rewritten
/// into a valid object where `text` became `input_ids`, `return_logprob` is
/// on, and every other member is unchanged.
/// Ids below 151,000 copied from the table, the rest (151,644 among them) formatted.
private let spellings = IntegerSpellings(below: 151_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGenerateBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = Array(UnsafeBufferPointer(start: data, count: size))
    let body: GenerateBody
    do { body = try GenerateBody(source) } catch {
        // The reader refuses as JSON exactly what the parser refuses (or what is no object).
        let isObject: Bool
        if case .object? = try? JSONParser.parse(source) { isObject = true } else { isObject = false }
        require(error.message.hasPrefix("request body must be a JSON object") == !isObject, "\(error.message)")
        return 0
    }
    let ids: [[UInt32]] =
        switch body.prompts {
        case .texts(let texts): texts.map { [UInt32($0.utf8.count), 151_644, 0] }
        case .ids(let lists): lists
        }
    require(body.isBatch || ids.count == 1, "one prompt expected")
    let rewritten = body.rewritten(ids: ids, spelledBy: spellings)
    guard case .object(let members)? = try? JSONParser.parse(rewritten) else {
        fail("rewrite is no JSON object: \(String(decoding: rewritten, as: UTF8.self))")
    }
    let result = JSONValue.object(members)
    // Ids a client sent keep its spelling (`-0`, `1.0` and `1e2` pass as
    // integers), so they are compared as the integers the router read.
    let lists = (body.isBatch ? result["input_ids"]?.arrayValue : result["input_ids"].map { [$0] }) ?? []
    let sent = lists.map { list in (list.arrayValue ?? []).map { $0.intValue ?? -1 } }
    require(sent == ids.map { $0.map(Int.init) }, "input_ids: \(String(describing: result["input_ids"]))")
    require(result["return_logprob"] == .bool(true), "return_logprob not on")
    if case .texts = body.prompts { require(result["text"] == nil, "text kept beside input_ids") }

    // Every other member keeps its place and value.
    let rewrittenKeys: Set = ["text", "input_ids", "return_logprob"]
    guard case .object(let original)? = try? JSONParser.parse(source) else { fail("accepted a non-object") }
    let kept = original.filter { !rewrittenKeys.contains($0.key) }
    let after = members.filter { !rewrittenKeys.contains($0.key) }
    require(
        kept.count == after.count && zip(kept, after).allSatisfy { $0.key == $1.key && $0.value == $1.value },
        "other members changed")
    return 0
}
