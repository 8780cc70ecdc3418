import HTTPServer
import JSON

/// `/add_worker`, `/remove_worker`, `/list_workers`: the original's API.
struct WorkerEndpoints {
    let pool: WorkerPool

    func add(_ request: HTTPRequest) throws(ClientError) -> HTTPResponse {
        pool.add(url: try workerURL(in: request))
        return success()
    }

    func remove(_ request: HTTPRequest) throws(ClientError) -> HTTPResponse {
        let url = try workerURL(in: request)
        guard pool.remove(url: url) else { throw ClientError(404, "worker \(url) is not registered") }
        return success()
    }

    /// The original's answer to a change: `{"status": "success", "worker_urls": {url: in_flight}}`.
    private func success() -> HTTPResponse {
        .json(200, JSONValue.object([("status", .string("success")), ("worker_urls", workerLoads())]).serialized())
    }

    func list() -> HTTPResponse {
        .json(200, JSONValue.object([("urls", .array(pool.workers.map { .string($0.url) }))]).serialized())
    }

    func workerLoads() -> JSONValue {
        .object(pool.workers.map { (key: $0.url, value: .int($0.inFlight)) })
    }

    /// The worker URL from `?url=`, `?worker_url=`, or a JSON body
    /// `{"url"}` / `{"worker_url"}`.
    func workerURL(in request: HTTPRequest) throws(ClientError) -> String {
        var candidate = request.queryParameter("url") ?? request.queryParameter("worker_url")
        if candidate == nil, !request.body.isEmpty {
            let body: JSONValue
            do { body = try JSONParser.parse(request.body) } catch {
                throw ClientError("request body is not valid JSON: \(error)")
            }
            guard case .object = body else { throw ClientError("request body must be a JSON object") }
            for key in ["url", "worker_url"] {
                guard let value = body[key] else { continue }
                guard let text = value.stringValue else {
                    throw ClientError("\"\(key)\" must be a string")
                }
                candidate = text
                break
            }
        }
        guard let candidate else {
            throw ClientError("missing worker URL: pass ?url=, ?worker_url= or a JSON body {\"url\": ...}")
        }
        guard let url = normalizedWorkerURL(candidate) else {
            throw ClientError("not an http(s) URL: \(candidate)")
        }
        return url
    }
}
