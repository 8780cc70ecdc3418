import EventLoop
import HTTPServer
import JSON
import WorkerClient

/// `POST /abort_request` (`{"rid": ...}` or `{"abort_all": true}`), as
/// SGLang's: sent to the worker running that rid, or to every worker when
/// the rid is not one the router has in flight (it may have come another
/// way) or for `abort_all`. Also used by the proxy to abort the generation
/// of a client that left.
struct AbortRequest {
    let pool: WorkerPool
    let rids: InFlightRids
    let client: any WorkerCalls
    let metrics: RouterMetrics

    func respond(_ request: HTTPRequest, send: @escaping (HTTPResponse) -> Void) {
        guard let body = try? JSONParser.parse(request.body), body.objectMembers != nil else {
            return send(.error(400, "the body must be a JSON object: {\"rid\": ...} or {\"abort_all\": true}"))
        }
        let targets: [Worker]
        if body["abort_all"]?.boolValue == true {
            rids.abortRequested(nil)
            targets = pool.workers
        } else if let rid = body["rid"]?.stringValue {
            rids.abortRequested(rid)
            targets = rids.worker(running: rid).map { [$0] } ?? pool.workers
        } else {
            return send(.error(400, "give \"rid\" (a string) or \"abort_all\": true"))
        }
        metrics.forwardedAborts.increment("client_request")
        forward(request.body, to: targets) { statuses in
            send(
                .json(
                    200,
                    JSONValue.object([
                        ("workers", .object(statuses.map { (key: $0.url, value: $0.status.map(JSONValue.int) ?? .null) }))
                    ]).serialized()))
        }
    }

    /// Asks `worker` to abort `rids`; nobody waits for its answer.
    func abort(_ rids: [String], at worker: Worker) {
        metrics.forwardedAborts.increment("client_gone", by: rids.count)
        for rid in rids {
            forward(JSONValue.object([("rid", .string(rid))]).serialized(), to: [worker]) { _ in }
        }
    }

    /// Sends `body` to each worker's `/abort_request`; `done` gets each
    /// worker's status (nil: no answer) once all answered.
    private func forward(_ body: [UInt8], to workers: [Worker], done: @escaping ([(url: String, status: Int?)]) -> Void) {
        guard !workers.isEmpty else { return done([]) }
        var statuses: [(url: String, status: Int?)] = []
        for worker in workers {
            var status: Int?
            let upstream = UpstreamRequest(
                method: "POST", url: worker.url + "/abort_request",
                headers: [("Content-Type", "application/json")], body: body)
            _ = client.start(
                upstream,
                handlers: UpstreamHandlers(
                    onHead: { code, _ in status = code },
                    onBody: { _ in true },
                    onComplete: { result in
                        if case .failure = result { status = nil }
                        statuses.append((worker.url, status))
                        if statuses.count == workers.count { done(statuses) }
                    }))
        }
    }
}
