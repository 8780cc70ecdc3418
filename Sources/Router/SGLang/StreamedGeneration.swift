import JSON

/// Follows a streamed `/generate` answer (`data: {json}` events, then
/// `data: [DONE]`) to recover the whole generation at its end.
///
/// SGLang streams cumulative events by default (each holds every token so
/// far) and incremental ones when the server is configured so. Parsing every
/// cumulative event would cost the square of the output length, so the
/// tracker parses events only until it knows the mode: then, cumulative
/// streams keep just the last event's bytes, incremental ones add up tokens.
struct StreamedGeneration {
    private enum Mode { case unknown, cumulative, incremental }

    private var mode = Mode.unknown
    private var pending: [UInt8] = []
    /// Where to resume looking for the end of the event in `pending`.
    private var scanned = 0
    private var lastEvent: [UInt8]?
    private var ids: [JSONValue] = []
    private var logprobs: [JSONValue] = []
    private var text = ""
    private var lastMeta: JSONValue?
    private(set) var failed = false

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
        while let end = eventEnd() {
            let event = Array(pending[..<end.lowerBound])
            pending.removeSubrange(..<end.upperBound)
            scanned = 0
            take(event)
        }
    }

    /// The generation as one `/generate` answer read for the cache: nil if
    /// there was none, or it must not be cached (`GeneratedOutput.read`).
    mutating func output() -> GeneratedOutput? {
        guard let answer = answer(), let outputs = try? GeneratedOutput.read(answer: answer.serialized()) else { return nil }
        return outputs.first ?? nil
    }

    /// The generation as one `/generate` answer, or nil if there was none.
    private mutating func answer() -> JSONValue? {
        if mode == .cumulative, let lastEvent, let json = try? JSONParser.parse(lastEvent) {
            absorb(json, replacing: true)
        }
        guard !failed, let lastMeta, case .object(var members) = lastMeta else { return nil }
        members.removeAll { $0.key == "output_token_logprobs" }
        members.append((key: "output_token_logprobs", value: .array(logprobs)))
        return .object([("text", .string(text)), ("output_ids", .array(ids)), ("meta_info", .object(members))])
    }

    private mutating func eventEnd() -> Range<Int>? {
        while scanned + 1 < pending.count {
            if pending[scanned] == 0x0A && pending[scanned + 1] == 0x0A { return scanned..<scanned + 2 }
            scanned += 1
        }
        return nil
    }

    private mutating func take(_ event: [UInt8]) {
        let prefix = Array("data:".utf8)
        guard event.starts(with: prefix) else { return }
        var payload = event.dropFirst(prefix.count)
        while payload.first == 0x20 { payload.removeFirst() }
        if payload.elementsEqual("[DONE]".utf8) { return }
        if mode == .cumulative {
            lastEvent = Array(payload)
            return
        }
        guard let json = try? JSONParser.parse(Array(payload)) else { return }
        if json["error"] != nil {
            failed = true
            return
        }
        let count = json["output_ids"]?.arrayValue?.count ?? 0
        let completion = json["meta_info"]?["completion_tokens"]?.intValue ?? count
        if mode == .unknown, ids.count > 0 || completion > count {
            mode = count >= completion ? .cumulative : .incremental
        }
        absorb(json, replacing: mode != .incremental)
    }

    private mutating func absorb(_ json: JSONValue, replacing: Bool) {
        let newIDs = json["output_ids"]?.arrayValue ?? []
        let newLogprobs = json["meta_info"]?["output_token_logprobs"]?.arrayValue ?? []
        let newText = json["text"]?.stringValue ?? ""
        if replacing {
            ids = newIDs
            logprobs = newLogprobs
            text = newText
        } else {
            ids += newIDs
            logprobs += newLogprobs
            text += newText
        }
        lastMeta = json["meta_info"]
        if json["error"] != nil { failed = true }
    }
}
