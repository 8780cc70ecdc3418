import EventLoop
import HTTPServer
import JSON

/// A fake SGLang worker that follows the worker protocol closely enough for
/// the router's tests and benchmarks, with fault injection and a record of
/// every `/generate` body it received.
final class MockWorker {
    private let loop: EventLoop
    private let codec: TokenCodec
    var settings: MockSettings
    /// Bodies of `/generate` requests, oldest first.
    private var received: [JSONValue] = []
    private var running = 0
    private var requestCounter = 0
    /// Generations that `/abort_request` can cut short, by rid.
    private var abortable: [String: () -> Void] = [:]
    private let health = HealthProbes()
    /// TCP connections accepted so far, for tests of the router's connection reuse.
    var acceptedConnections: () -> Int = { 0 }

    init(loop: EventLoop, codec: TokenCodec, settings: MockSettings) {
        self.loop = loop
        self.codec = codec
        self.settings = settings
    }

    func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        switch (request.method, String(request.path)) {
        case ("POST", "/generate"): generate(request, responder)
        case ("GET", "/health"): health.probe(responder, failing: settings.failHealth)
        case ("GET", "/health_generate"):
            responder.send(settings.failHealth ? .error(503, "unhealthy") : HTTPResponse(status: 200))
        case ("GET", "/get_model_info"):
            responder.send(json(200, .object([
                ("model_path", .string("mock-sglang")),
                ("tokenizer_path", .string(codec.tokenizerPath)),
                ("is_generation", .bool(true)),
            ])))
        case ("GET", "/get_server_info"):
            responder.send(json(200, .object([("version", .string("mock")), ("weight_version", .string(settings.weightVersion))])))
        case ("GET", "/get_load"):
            responder.send(json(200, .array([.object([("dp_rank", .int(0)), ("num_reqs", .int(running))])])))
        case ("POST", "/flush_cache"), ("GET", "/flush_cache"):
            responder.send(HTTPResponse(status: 200, body: Array("Cache flushed.\n".utf8)))
        case ("POST", "/abort_request"): abort(request, responder)
        case ("GET", "/get_weight_version"):
            responder.send(json(200, .object([("weight_version", .string(settings.weightVersion))])))
        case ("POST", "/update_weight_version"): updateWeightVersion(request, responder)
        case ("GET", "/mock/requests"):
            responder.send(json(200, .object([("requests", .array(received))])))
        case ("GET", "/mock/stats"):
            responder.send(json(200, .object([
                ("connections_accepted", .int(acceptedConnections())),
                ("health_probes", .int(health.received)),
                ("health_probes_waiting", .int(health.waitingCount)),
            ])))
        case ("POST", "/mock/reset"):
            received = []
            responder.send(json(200, .object([("status", .string("ok"))])))
        case ("POST", "/mock/config"): configure(request, responder)
        case (_, "/mock/echo"): echo(request, responder)
        default:
            responder.send(json(404, .object([("detail", .string("Not Found"))])))
        }
    }

    private func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        .json(status, value.serialized())
    }

    private func parseBody(_ request: HTTPRequest, _ responder: HTTPResponder) -> JSONValue? {
        do { return try JSONParser.parse(request.body) } catch {
            responder.send(.error(400, "\(error)"))
            return nil
        }
    }

    // MARK: /generate

    private func generate(_ request: HTTPRequest, _ responder: HTTPResponder) {
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
            return GenerateResponse(
                item: item,
                generation: Generation(promptIDs: item.promptIDs, maxNewTokens: item.maxNewTokens, settings: settings, codec: codec),
                returnLogprob: parsed.returnLogprob, weightVersion: settings.weightVersion, codec: codec,
                requestID: item.rid ?? String(requestCounter, radix: 16))
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
        running += 1
        let timer = LoopTimer(loop: loop)
        let end = { [self] in
            timer.cancel()
            running -= 1
            for response in responses { abortable[response.requestID] = nil }
        }
        let finish = { [self] in
            end()
            let elapsed = Double(EventLoop.monotonicNanoseconds() - started) / 1e9
            let objects = zip(responses, isAborted).map { response, aborted in
                let total = response.generation.outputIDs.count
                return aborted ? response.aborted(produced: injected ? 0 : producedTokens(of: total, inSeconds: elapsed), elapsedSeconds: elapsed)
                               : response.json(produced: total, finished: true, elapsedSeconds: elapsed)
            }
            responder.send(json(200, parsed.isBatch ? .array(objects) : objects[0]))
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
        responder.writeChunk(Array("data: ".utf8) + value.serialized() + Array("\n\n".utf8))
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
        running += 1
        let timer = LoopTimer(loop: loop)
        let rid = response.requestID
        let end = { [self] in
            timer.cancel()
            running -= 1
            abortable[rid] = nil
        }
        abortable[rid] = { [self] in
            emit(response.aborted(produced: min(produced, total), elapsedSeconds: Double(EventLoop.monotonicNanoseconds() - started) / 1e9),
                 to: responder)
            finishEventStream(responder)
            end()
        }
        responder.onClientGone = end
        timer.start(afterMilliseconds: interval, repeatMilliseconds: interval) { [self] in
            produced += 1
            let finished = produced >= total
            emit(response.json(produced: min(produced, total), finished: finished,
                               elapsedSeconds: Double(EventLoop.monotonicNanoseconds() - started) / 1e9), to: responder)
            if finished {
                finishEventStream(responder)
                end()
            }
        }
    }

    // MARK: control endpoints

    private func abort(_ request: HTTPRequest, _ responder: HTTPResponder) {
        guard let body = parseBody(request, responder) else { return }
        let targets = body["abort_all"]?.boolValue == true ? Array(abortable.keys) : [body["rid"]?.stringValue].compactMap { $0 }
        for rid in targets { abortable[rid]?() }
        responder.send(HTTPResponse(status: 200))
    }

    private func updateWeightVersion(_ request: HTTPRequest, _ responder: HTTPResponder) {
        guard let body = parseBody(request, responder) else { return }
        guard let version = body["new_version"]?.stringValue else {
            return responder.send(.error(400, "new_version (string) is required"))
        }
        settings.weightVersion = version
        responder.send(json(200, .object([("success", .bool(true)), ("message", .string("updated to \(version)"))])))
    }

    private func configure(_ request: HTTPRequest, _ responder: HTTPResponder) {
        guard let body = parseBody(request, responder) else { return }
        if let value = body["latency_per_token_ms"]?.doubleValue { settings.latencyPerTokenMilliseconds = value }
        if let value = body["abort_rate"]?.doubleValue { settings.abortRate = value }
        if let value = body["error_rate"]?.doubleValue { settings.errorRate = value }
        if let value = body["drop_rate"]?.doubleValue { settings.dropRate = value }
        if let value = body["abort_next"]?.intValue { settings.abortNext = value }
        if let value = body["error_next"]?.intValue { settings.errorNext = value }
        if let value = body["drop_next"]?.intValue { settings.dropNext = value }
        if let value = body["fail_health"]?.boolValue { settings.failHealth = value }
        if let value = body["hold_health"]?.boolValue { health.hold(value, failing: settings.failHealth) }
        if let values = body["health_answers"]?.arrayValue { health.script(values.compactMap(\.intValue)) }
        if let value = body["weight_version"]?.stringValue { settings.weightVersion = value }
        if let value = body["max_new_tokens"]?.intValue { settings.defaultMaxNewTokens = value }
        if let value = body["finish_with_stop_token"]?.boolValue { settings.finishWithStopToken = value }
        responder.send(json(200, .object([("status", .string("ok"))])))
    }

    /// Echoes what arrived, so proxy tests can see path, query, headers, body.
    private func echo(_ request: HTTPRequest, _ responder: HTTPResponder) {
        responder.send(json(200, .object([
            ("method", .string(request.method)),
            ("target", .string(request.target)),
            ("headers", .array(request.headers.map { .array([.string($0.name), .string($0.value)]) })),
            ("body", .string(String(decoding: request.body, as: UTF8.self))),
        ])))
    }
}
