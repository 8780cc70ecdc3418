import EventLoop
import HTTPServer
import JSON

/// `POST /generate`: whole answers after the generation's time, or
/// cumulative event-stream chunks; injected faults; `/abort_request`'s
/// targets.
extension MockWorker {
    func generate(_ request: HTTPRequest, _ responder: HTTPResponder) {
        guard let body = parseBody(request, responder) else { return }
        received.append(body)
        let parsed: GenerateRequest
        do { parsed = try GenerateRequest(body, codec: codec, defaultMaxNewTokens: settings.defaultMaxNewTokens) } catch {
            return responder.send(.error(400, error.message))
        }
        switch settings.nextFault() {
        case .drop: return responder.dropConnection()
        case .error: return responder.send(.error(500, "injected worker error"))
        case .abort where parsed.stream: return streamAbortedAtOnce(parsed, responder)
        case .abort: return answer(parsed, responder, aborted: true)
        case nil: break
        }
        if parsed.stream {
            stream(parsed, responder)
        } else {
            answer(parsed, responder, aborted: false)
        }
    }

    private func responses(for parsed: GenerateRequest) -> [GenerateResponse] {
        parsed.items.map { item in
            requestCounter += 1
            let sample = settings.independentSamples ? sampleSeed &+ UInt64(requestCounter) : 0
            return GenerateResponse(
                item: item,
                generation: Generation(
                    promptIDs: item.promptIDs, maxNewTokens: item.maxNewTokens, stop: item.stop,
                    sample: sample, settings: settings, codec: codec),
                returnLogprob: parsed.returnLogprob, weightVersion: settings.weightVersion, codec: codec,
                requestID: item.rid ?? String(sampleSeed &+ UInt64(requestCounter), radix: 16))
        }
    }

    /// The whole answer after the generation's time. `/abort_request` ends
    /// an item early: it answers as aborted, and once every item of the
    /// request is aborted the answer leaves at once.
    private func answer(_ parsed: GenerateRequest, _ responder: HTTPResponder, aborted injected: Bool) {
        let started = EventLoop.monotonicNanoseconds()
        let responses = responses(for: parsed)
        var isAborted = Array(repeating: injected, count: responses.count)
        let tokens = parsed.items.map(\.maxNewTokens).max() ?? 0
        let delay = injected ? 0 : UInt64(settings.latencyPerTokenMilliseconds * Double(tokens))
        let (timer, end) = beginRunning(responses.map(\.requestID))
        let finish = { [self] in
            end()
            let elapsed = Double(EventLoop.monotonicNanoseconds() - started) / 1e9
            let objects = zip(responses, isAborted).map { response, aborted in
                let total = response.generation.outputIDs.count
                let produced = aborted ? (injected ? 0 : producedTokens(of: total, inSeconds: elapsed)) : total
                record(response.record(produced: produced, aborted: aborted))
                return aborted
                    ? response.aborted(produced: produced, elapsedSeconds: elapsed)
                    : response.json(produced: total, finished: true, elapsedSeconds: elapsed)
            }
            let body =
                parsed.isBatch
                ? [UInt8]("[".utf8) + objects.map(serializedAnswer).joined(separator: [UInt8](",".utf8)) + [UInt8]("]".utf8)
                : serializedAnswer(objects[0])
            responder.send(.json(200, body))
        }
        for (index, response) in responses.enumerated() {
            abortable[response.requestID] = {
                isAborted[index] = true
                if !isAborted.contains(false) { finish() }
            }
        }
        responder.onClientGone = end
        timer.start(afterMilliseconds: delay, finish)
    }

    /// Counts a generation as running, with the timer that paces it, until
    /// `end`: it stops the timer and forgets the abort handlers of `rids`.
    /// Once only: an abort and the client leaving may both end it.
    private func beginRunning(_ rids: [String]) -> (timer: LoopTimer, end: () -> Void) {
        running += 1
        let timer = LoopTimer(loop: loop)
        var ended = false
        let end = { [self] in
            guard !ended else { return }
            ended = true
            timer.cancel()
            running -= 1
            for rid in rids { abortable[rid] = nil }
        }
        return (timer, end)
    }

    /// Tokens a generation of `total` would have produced after `seconds`.
    private func producedTokens(of total: Int, inSeconds seconds: Double) -> Int {
        guard settings.latencyPerTokenMilliseconds > 0 else { return total }
        return min(total, Int(seconds * 1000 / settings.latencyPerTokenMilliseconds))
    }

    /// An injected abort on a streaming request: SGLang still answers with
    /// an event stream, its one event the abort.
    private func streamAbortedAtOnce(_ parsed: GenerateRequest, _ responder: HTTPResponder) {
        guard let response = responses(for: parsed).first else { return responder.send(.error(400, "empty batch")) }
        responder.startStream(status: 200, headers: Self.eventStreamHeaders)
        emit(response.aborted(produced: 0, elapsedSeconds: 0), to: responder)
        finishEventStream(responder)
    }

    private static let eventStreamHeaders: HTTPHeaders = ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"]

    private func emit(_ value: JSONValue, to responder: HTTPResponder) {
        responder.writeChunk(Array("data: ".utf8) + serializedAnswer(value) + Array("\n\n".utf8))
    }

    /// One answer object serialized, with `settings.metaInfoExtra` spliced
    /// in byte for byte as the last members of its `meta_info`, which is the
    /// object's last member (`GenerateResponse`): before the closing `}}`.
    private func serializedAnswer(_ answer: JSONValue) -> [UInt8] {
        var bytes = answer.serialized()
        if !settings.metaInfoExtra.isEmpty {
            bytes.insert(contentsOf: [UInt8(ascii: ",")] + settings.metaInfoExtra, at: bytes.count - 2)
        }
        return bytes
    }

    private func finishEventStream(_ responder: HTTPResponder) {
        responder.writeChunk(Array("data: [DONE]\n\n".utf8))
        responder.finishStream()
    }

    /// Cumulative SSE chunks, one per token, then `[DONE]`.
    private func stream(_ parsed: GenerateRequest, _ responder: HTTPResponder) {
        guard let response = responses(for: parsed).first else { return responder.send(.error(400, "empty batch")) }
        let started = EventLoop.monotonicNanoseconds()
        responder.startStream(status: 200, headers: Self.eventStreamHeaders)
        var produced = 0
        let total = response.generation.outputIDs.count
        let interval = max(UInt64(settings.latencyPerTokenMilliseconds), 1)
        let rid = response.requestID
        let (timer, end) = beginRunning([rid])
        abortable[rid] = { [self] in
            record(response.record(produced: min(produced, total), aborted: true))
            emit(
                response.aborted(produced: min(produced, total), elapsedSeconds: Double(EventLoop.monotonicNanoseconds() - started) / 1e9),
                to: responder)
            finishEventStream(responder)
            end()
        }
        responder.onClientGone = end
        timer.start(afterMilliseconds: interval, repeatMilliseconds: interval) { [self] in
            produced += 1
            let finished = produced >= total
            emit(
                response.json(
                    produced: min(produced, total), finished: finished,
                    elapsedSeconds: Double(EventLoop.monotonicNanoseconds() - started) / 1e9), to: responder)
            if finished {
                record(response.record(produced: total, aborted: false))
                finishEventStream(responder)
                end()
            }
        }
    }
}
