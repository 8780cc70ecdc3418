import Testing
@testable import Router

/// Which of the router's own routes a path names (the rest is proxied).
@Suite struct RouteTests {
    @Test func everyRouteIsFoundByItsPath() {
        let routes: [Route] = [
            .addWorker, .removeWorker, .listWorkers, .workers, .abortRequest, .retrieveFromText, .metrics, .health,
            .liveness, .readiness,
        ]
        for route in routes { #expect(Route(path: "/\(route.rawValue)"[...]) == route) }
    }

    @Test func aWorkerItemIsTheWorkersRoute() {
        #expect(Route(path: "/workers/http%3A%2F%2Fh%3A1") == .workers)
        #expect(Route(path: ("/workers/" + String(repeating: "a", count: 80))[...]) == .workers)
    }

    @Test func otherPathsAreProxied() {
        for path in [
            "/generate", "/", "", "/health/", "/Health", "/workersx", "health", "/add_worke", "/add_workers", "/liveness2",
            "/" + String(repeating: "h", count: 80),
        ] {
            #expect(Route(path: path[...]) == nil, "\(path)")
        }
    }
}
