import HTTPServer
import JSON

/// `/workers`, the REST form of worker management beside the original's
/// `/add_worker`, `/remove_worker` and `/list_workers`:
///
/// - `GET /workers`: every worker with its state; `GET /workers/{url}` one.
/// - `POST /workers` with `{"url": ...}` (or as `/add_worker` takes it): 201 with the new worker (200 when
///   it was registered already).
/// - `DELETE /workers/{url}`: its in-flight requests finish; 404 if unknown.
///
/// `{url}` is the worker's URL percent-encoded as one path segment
/// (`http%3A%2F%2F10.0.0.5%3A30001`).
struct WorkersAPI {
    let pool: WorkerPool

    static let path: Substring = "/workers"
    private static let itemPrefix: Substring = "/workers/"

    static func handles(_ path: Substring) -> Bool {
        path.hasPrefix(Self.path) && (path.utf8.count == Self.path.utf8.count || path.hasPrefix(Self.itemPrefix))
    }

    func respond(_ request: HTTPRequest) throws(ClientError) -> HTTPResponse {
        let named = try workerURL(inPath: request.path)
        switch (request.method, named) {
        case ("GET", nil), ("HEAD", nil):
            return .json(200, JSONValue.object([("workers", .array(pool.workers.map(describe)))]).serialized())
        case ("GET", let url?), ("HEAD", let url?):
            guard let worker = pool.worker(url: url) else { throw ClientError(404, "worker \(url) is not registered") }
            return .json(200, describe(worker).serialized())
        case ("POST", nil):
            // The same ways of naming it as /add_worker.
            let url = try WorkerEndpoints(pool: pool).workerURL(in: request)
            let isNew = pool.worker(url: url) == nil
            var response = HTTPResponse.json(isNew ? 201 : 200, describe(pool.add(url: url)).serialized())
            response.headers.add("Location", Self.path + "/" + percentEncoded(url))
            return response
        case ("DELETE", let url?):
            guard let worker = pool.worker(url: url), pool.remove(url: url) else {
                throw ClientError(404, "worker \(url) is not registered")
            }
            return .json(200, describe(worker).serialized())
        default:
            var response = HTTPResponse.error(405, "\(request.method) is not allowed on \(request.path)")
            response.headers.add("Allow", named == nil ? "GET, HEAD, POST" : "GET, HEAD, DELETE")
            return response
        }
    }

    /// url, health, circuit state (closed, open, half_open), in-flight and total requests, errors, the weight
    /// version it last answered with (null before its first answer).
    func describe(_ worker: Worker) -> JSONValue {
        .object([
            ("url", .string(worker.url)),
            ("healthy", .bool(worker.isHealthy)),
            ("circuit", .string(worker.circuitState.rawValue)),
            ("in_flight", .int(worker.inFlight)),
            ("requests", .int(worker.totalRequests)),
            ("errors", .int(worker.errors)),
            ("weight_version", worker.weightVersion.map(JSONValue.string) ?? .null),
        ])
    }

    /// The worker named by `/workers/{url}`, normalized; nil for `/workers`.
    private func workerURL(inPath path: Substring) throws(ClientError) -> String? {
        guard path.count > Self.path.count + 1 else { return nil }
        let segment = path.dropFirst(Self.path.count + 1)
        let decoded = percentDecode(segment, plusIsSpace: false)
        guard let url = normalizedWorkerURL(decoded) else {
            throw ClientError("not an http(s) URL: \(decoded) (percent-encode the URL as one path segment)")
        }
        return url
    }

    /// Every byte but RFC 3986's unreserved ones as `%XX`.
    private func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || "-._~".utf8.contains(byte)
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
