import FuzzSupport
import JSON
@testable import Router

/// `GeneratedOutput.read`, which reads a worker's `/generate` answer straight
/// from its bytes, against the same rules applied to `JSONParser`'s tree:
/// it refuses exactly the documents the parser refuses, and otherwise gives
/// the same outputs, member by member.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGenerateAnswer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let read = try? GeneratedOutput.read(answer: bytes)
    guard let tree = try? JSONParser.parse(bytes) else {
        require(read == nil, "read what the parser refuses")
        return 0
    }
    guard let read else { fail("refused what the parser reads") }
    let expected = (tree.arrayValue ?? [tree]).map(ReferenceOutput.init)
    require(read.count == expected.count, "\(read.count) outputs, expected \(expected.count)")
    for (output, reference) in zip(read, expected) {
        require(
            output.map(ReferenceOutput.init) == reference, "read \(String(describing: output)), expected \(String(describing: reference))")
    }
    return 0
}

/// The rules over a parsed tree: what the cache stores of one answer.
struct ReferenceOutput: Equatable {
    let ids: [UInt32]
    let logprobBits: [UInt64]
    let weightVersion: String
    let text: String?
    let workerID: String?

    init(_ output: GeneratedOutput) {
        ids = output.ids
        logprobBits = output.logprobs.map(\.bitPattern)
        weightVersion = output.weightVersion
        text = output.text
        workerID = output.workerID
    }

    init?(_ answer: JSONValue) {
        guard let meta = answer["meta_info"], let reason = meta["finish_reason"], !reason.isNull,
            reason["type"]?.stringValue != "abort",
            let outputIDs = answer["output_ids"]?.arrayValue,
            let entries = meta["output_token_logprobs"]?.arrayValue, entries.count == outputIDs.count
        else { return nil }
        var ids: [UInt32] = [], bits: [UInt64] = []
        for (id, entry) in zip(outputIDs, entries) {
            guard let token = id.intValue.flatMap(UInt32.init(exactly:)), let logprob = entry.arrayValue?.first?.doubleValue
            else { return nil }
            ids.append(token)
            bits.append(logprob.bitPattern)
        }
        self.ids = ids
        logprobBits = bits
        switch meta["weight_version"] {
        case .string(let version)?: weightVersion = version
        case .number(let text)?: weightVersion = text
        default: weightVersion = "default"
        }
        text = answer["text"]?.stringValue
        workerID = meta["id"]?.stringValue
    }
}
