import HTTPServer

/// Bearer keys (`Authorization: Bearer KEY`) and what each opens.
///
/// - Probes (`/health`, `/liveness`, `/readiness`) stay open, so that load
///   balancers and orchestrators need no key, as SGLang's gateway does.
/// - Everything else, proxied routes included, needs the API key when one
///   is set. The admin key opens these too.
/// - Worker management (`/add_worker`, `/remove_worker`, `POST /workers`,
///   `DELETE /workers/…`) and the worker-control paths relayed to a worker
///   (`/flush_cache`, weight updates, pausing; see `adminPaths`) need the
///   admin key when one is set, else the API key.
///
/// Without keys everything is open, as before. Refusals are 401 with a JSON
/// error and `WWW-Authenticate: Bearer`.
public struct AccessKeys: Sendable {
    public var apiKey: String?
    public var adminKey: String?

    public init(apiKey: String? = nil, adminKey: String? = nil) {
        self.apiKey = apiKey
        self.adminKey = adminKey
    }

    public var isEmpty: Bool { apiKey == nil && adminKey == nil }
}

/// What a request needs to be served.
enum Access {
    case open, client, admin
}

struct AccessControl {
    private let apiKey: [UInt8]?
    private let adminKey: [UInt8]?

    init(_ keys: AccessKeys) {
        apiKey = keys.apiKey.map { Array($0.utf8) }
        adminKey = keys.adminKey.map { Array($0.utf8) }
    }

    /// Worker-control endpoints of SGLang that the router relays to a worker
    /// like any other path: they change what a worker serves, so they are
    /// worker management.
    static let adminPaths: Set<Substring> = [
        "/flush_cache", "/update_weights_from_disk", "/update_weights_from_tensor",
        "/update_weights_from_distributed", "/init_weights_update_group", "/update_weight_version",
        "/pause_generation", "/continue_generation", "/release_memory_occupation", "/resume_memory_occupation",
        "/start_profile", "/stop_profile",
    ]

    /// What a proxied request (one no route of the router's own answers)
    /// needs. The path is read as a worker's server would route it
    /// (percent-decoded, without empty or dot segments), so that
    /// `/flush%5Fcache` or `/x/../flush_cache/` is no way around the admin key.
    static func access(forProxied path: Substring) -> Access {
        adminPaths.contains(canonical(path)) ? .admin : .client
    }

    static func canonical(_ path: Substring) -> Substring {
        var segments: [Substring] = []
        for segment in percentDecode(path, plusIsSpace: false)[...].split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return Substring("/" + segments.joined(separator: "/"))
    }

    /// nil when `request` may go on; otherwise the 401 to answer. `route`
    /// is the router's own route it asks for, nil when it is proxied.
    func refusal(of request: HTTPRequest, route: Route?) -> HTTPResponse? {
        guard apiKey != nil || adminKey != nil else { return nil }
        let access = route?.access(for: request.method) ?? Self.access(forProxied: request.path)
        return refusal(of: request, needing: access)
    }

    func refusal(of request: HTTPRequest, needing access: Access) -> HTTPResponse? {
        let required: (key: [UInt8], name: String)
        switch access {
        case .open: return nil
        case .client:
            guard let apiKey else { return nil }
            required = (apiKey, "the API key")
        case .admin:
            if let adminKey {
                required = (adminKey, "the admin key")
            } else if let apiKey {
                required = (apiKey, "the API key")
            } else {
                return nil
            }
        }
        guard let presented = Self.bearerToken(in: request) else {
            return Self.unauthorized("missing credentials: send Authorization: Bearer with \(required.name)")
        }
        if Self.constantTimeEquals(presented, required.key) { return nil }
        // The admin key opens every route a client may use.
        if access == .client, let adminKey, Self.constantTimeEquals(presented, adminKey) { return nil }
        return Self.unauthorized("invalid credentials: \(request.path) needs \(required.name)")
    }

    /// The token of `Authorization: Bearer TOKEN` (the scheme in any case).
    static func bearerToken(in request: HTTPRequest) -> [UInt8]? {
        guard let value = request.headers["authorization"] else { return nil }
        let parts = value.trimmingASCIISpaces().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return Array(String(parts[1]).trimmingASCIISpaces().utf8)
    }

    /// Compares every byte of `expected` whatever the presented token holds,
    /// so the time taken tells nothing about how much of a guess was right.
    static func constantTimeEquals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        for index in expected.indices {
            difference |= expected[index] ^ (index < presented.count ? presented[index] : 0)
        }
        return difference == 0
    }

    private static func unauthorized(_ message: String) -> HTTPResponse {
        var response = HTTPResponse.error(401, message)
        response.headers.add("WWW-Authenticate", #"Bearer realm="slime-router""#)
        return response
    }
}

extension Route {
    /// What a request to one of the router's own routes needs.
    func access(for method: String) -> Access {
        switch self {
        case .health, .liveness, .readiness: .open
        case .addWorker, .removeWorker: .admin
        case .workers: method == "GET" || method == "HEAD" ? .client : .admin
        case .listWorkers, .retrieveFromText, .metrics, .abortRequest: .client
        }
    }
}

/// Whether `host` (as given to `--host`) only accepts connections from this
/// machine.
func isLoopbackHost(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
}
