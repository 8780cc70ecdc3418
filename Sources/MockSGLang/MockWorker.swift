import EventLoop
import Glibc
import HTTPServer
import JSON

/// A fake SGLang worker that follows the worker protocol closely enough for
/// the router's tests and benchmarks, with fault injection and a record of
/// every `/generate` body it received. Routes and controls live here,
/// `/generate` in MockWorker+Generate.swift.
final class MockWorker {
    let loop: EventLoop
    let codec: TokenCodec
    var settings: MockSettings
    /// Bodies of `/generate` requests, oldest first.
    var received: [JSONValue] = []
    var running = 0
    var requestCounter = 0
    /// Where request ids and independent samples start: a worker's own, so
    /// that two workers name and sample differently.
    let sampleSeed = UInt64.random(in: 1..<(1 << 48))
    /// What each answered generation was, oldest first (`/mock/generations`).
    var generations: [JSONValue] = []
    /// The same records, one JSON line each, written before the answer
    /// leaves: they survive the worker being killed.
    var recordFile: UnsafeMutablePointer<FILE>?
    /// Generations that `/abort_request` can cut short, by rid.
    var abortable: [String: () -> Void] = [:]
    /// Every `/abort_request` body received, oldest first (`/mock/aborts`).
    private var abortRequests: [JSONValue] = []
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
            responder.send(
                json(
                    200,
                    .object([
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
            responder.send(
                json(
                    200,
                    .object([
                        ("connections_accepted", .int(acceptedConnections())),
                        ("health_probes", .int(health.received)),
                        ("health_probes_waiting", .int(health.waitingCount)),
                    ])))
        case ("GET", "/mock/aborts"):
            responder.send(json(200, .object([("aborts", .array(abortRequests))])))
        case ("GET", "/mock/generations"):
            responder.send(json(200, .object([("generations", .array(generations))])))
        case ("POST", "/mock/reset"):
            received = []
            generations = []
            responder.send(json(200, .object([("status", .string("ok"))])))
        case ("POST", "/mock/config"): configure(request, responder)
        case (_, "/mock/echo"): echo(request, responder)
        default:
            responder.send(json(404, .object([("detail", .string("Not Found"))])))
        }
    }

    func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        .json(status, value.serialized())
    }

    func record(_ generation: JSONValue) {
        generations.append(generation)
        guard let recordFile else { return }
        let line = generation.serialized() + [0x0A]
        line.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, recordFile) }
        fflush(recordFile)
    }

    func parseBody(_ request: HTTPRequest, _ responder: HTTPResponder) -> JSONValue? {
        do { return try JSONParser.parse(request.body) } catch {
            responder.send(.error(400, "\(error)"))
            return nil
        }
    }

    // MARK: control endpoints

    private func abort(_ request: HTTPRequest, _ responder: HTTPResponder) {
        guard let body = parseBody(request, responder) else { return }
        abortRequests.append(body)
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
        if let value = body["finish_with_stop_string"]?.boolValue { settings.finishWithStopString = value }
        if let value = body["independent_samples"]?.boolValue { settings.independentSamples = value }
        if let value = body["shared_prefix_tokens"]?.intValue { settings.sharedPrefixTokens = value }
        if let value = body["alternate_spellings"]?.boolValue { settings.alternateSpellings = value }
        if let value = body["meta_info_extra"]?.stringValue {
            // Members of an object, to be spliced in as they are: check they parse as such.
            guard (try? JSONParser.parse(Array(("{" + value + "}").utf8))) != nil else {
                return responder.send(.error(400, "meta_info_extra must be JSON object members (\"key\": value, ...)"))
            }
            settings.metaInfoExtra = Array(value.utf8)
        }
        responder.send(json(200, .object([("status", .string("ok"))])))
    }

    /// Echoes what arrived, so proxy tests can see path, query, headers, body.
    private func echo(_ request: HTTPRequest, _ responder: HTTPResponder) {
        responder.send(
            json(
                200,
                .object([
                    ("method", .string(request.method)),
                    ("target", .string(request.target)),
                    ("headers", .array(request.headers.map { .array([.string($0.name), .string($0.value)]) })),
                    ("body", .string(String(decoding: request.body, as: UTF8.self))),
                ])))
    }
}
