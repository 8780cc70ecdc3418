import HTTPServer
import Testing
@testable import Router

/// Which key opens which request, decided in-process (the process-level
/// tests in APIKeyTests prove the wiring).
@Suite struct AccessControlTests {
    func request(_ method: String, _ target: String, bearer: String? = nil) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let bearer { headers.add("Authorization", bearer) }
        return HTTPRequest(method: method, target: target, headers: headers)
    }

    func allowed(_ control: AccessControl, _ target: String, bearer: String?) -> Bool {
        allowed(control, "POST", target, bearer: bearer)
    }

    func allowed(_ control: AccessControl, _ method: String, _ target: String, bearer: String?) -> Bool {
        let request = request(method, target, bearer: bearer)
        return control.refusal(of: request, route: Route(path: request.path)) == nil
    }

    @Test func withoutKeysEverythingIsOpen() {
        let open = AccessControl(AccessKeys())
        for target in ["/generate", "/add_worker", "/workers", "/flush_cache", "/metrics"] {
            #expect(allowed(open, target, bearer: nil), "\(target)")
        }
    }

    @Test func bothKeys() {
        let control = AccessControl(AccessKeys(apiKey: "client-key", adminKey: "admin-key"))
        // Probes stay open.
        for target in ["/health", "/liveness", "/readiness"] {
            #expect(allowed(control, "GET", target, bearer: nil), "\(target)")
        }
        // Client routes: the API key or the admin key.
        for (method, target) in [
            ("POST", "/generate"), ("POST", "/retrieve_from_text"), ("GET", "/metrics"),
            ("GET", "/list_workers"), ("GET", "/workers"), ("GET", "/get_model_info"),
            ("POST", "/abort_request"),
        ] {
            #expect(!allowed(control, method, target, bearer: nil), "\(target)")
            #expect(!allowed(control, method, target, bearer: "Bearer wrong"), "\(target)")
            #expect(allowed(control, method, target, bearer: "Bearer client-key"), "\(target)")
            #expect(allowed(control, method, target, bearer: "Bearer admin-key"), "\(target)")
        }
        // Worker management, the router's own or relayed: the admin key only.
        for (method, target) in [
            ("POST", "/add_worker?url=http://h:1"), ("POST", "/remove_worker"), ("DELETE", "/remove_worker"),
            ("POST", "/workers"), ("DELETE", "/workers/http%3A%2F%2Fh%3A1"), ("POST", "/flush_cache"),
            ("POST", "/update_weights_from_disk"), ("POST", "/pause_generation"),
        ] {
            #expect(!allowed(control, method, target, bearer: nil), "\(target)")
            #expect(!allowed(control, method, target, bearer: "Bearer client-key"), "\(target)")
            #expect(allowed(control, method, target, bearer: "Bearer admin-key"), "\(target)")
        }
    }

    /// With only `--api-key`, worker management takes that key.
    @Test func apiKeyAloneGuardsWorkerManagementToo() {
        let control = AccessControl(AccessKeys(apiKey: "client-key"))
        #expect(!allowed(control, "/add_worker", bearer: nil))
        #expect(allowed(control, "/add_worker", bearer: "Bearer client-key"))
        #expect(allowed(control, "/flush_cache", bearer: "Bearer client-key"))
    }

    /// With only `--admin-api-key`, clients need nothing, worker management the key.
    @Test func adminKeyAloneGuardsOnlyWorkerManagement() {
        let control = AccessControl(AccessKeys(adminKey: "admin-key"))
        #expect(allowed(control, "/generate", bearer: nil))
        #expect(!allowed(control, "/add_worker", bearer: nil))
        #expect(!allowed(control, "/workers", bearer: "Bearer other"))
        #expect(allowed(control, "/workers", bearer: "Bearer admin-key"))
    }

    /// Spellings a worker's server routes to the same endpoint.
    @Test(arguments: [
        "/flush%5Fcache", "/flush_cache/", "//flush_cache", "/x/../flush_cache", "/./flush_cache",
        "/%66lush_cache", "/flush_cache?x=1",
    ])
    func adminPathsCannotBeSpelledAroundTheKey(target: String) {
        let control = AccessControl(AccessKeys(apiKey: "client-key", adminKey: "admin-key"))
        #expect(!allowed(control, target, bearer: "Bearer client-key"))
        #expect(allowed(control, target, bearer: "Bearer admin-key"))
        #expect(allowed(control, "/flush_cache_stats", bearer: "Bearer client-key"))
    }

    @Test(arguments: [
        ("Bearer k", true), ("bearer k", true), ("BEARER   k  ", true), ("Bearer  k", true),
        ("Basic k", false), ("k", false), ("Bearer", false), ("Bearer k2", false), ("Bearer ", false),
    ])
    func authorizationSpellings(header: String, accepted: Bool) {
        let control = AccessControl(AccessKeys(apiKey: "k"))
        #expect(allowed(control, "/generate", bearer: header) == accepted)
    }

    @Test func refusalsAre401WithAJSONErrorAndAChallenge() throws {
        let control = AccessControl(AccessKeys(apiKey: "k"))
        let refusal = try #require(control.refusal(of: request("POST", "/generate"), needing: .client))
        #expect(refusal.status == 401)
        #expect(refusal.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
        #expect(refusal.headers["Content-Type"] == "application/json")
        #expect(String(decoding: refusal.body, as: UTF8.self).contains(#""code":401"#))
    }

    @Test func constantTimeComparisonIsExact() {
        let key = Array("0123456789abcdef".utf8)
        #expect(AccessControl.constantTimeEquals(key, key))
        #expect(!AccessControl.constantTimeEquals(Array("0123456789abcdeF".utf8), key))
        #expect(!AccessControl.constantTimeEquals(Array("0123456789abcde".utf8), key))
        #expect(!AccessControl.constantTimeEquals(Array("0123456789abcdef0".utf8), key))
        #expect(!AccessControl.constantTimeEquals([], key))
        // A prefix padded with the bytes the comparison pads with is still wrong.
        #expect(!AccessControl.constantTimeEquals(Array("0123456789abcdef".utf8) + [0], key))
    }
}
