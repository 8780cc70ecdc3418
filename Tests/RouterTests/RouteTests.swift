import Testing
@testable import Router

/// Which of the router's own routes a path names (the rest is proxied).
@Suite struct RouteTests {
    @Test func everyRouteIsFoundByItsPath() {
        for route in Route.allCases { #expect(Route(path: "/\(route.rawValue)"[...]) == route) }
    }

    /// What the head check hands to the handler with keys set
    /// (`HTTPRequest.classification`) gives back the route it was made of.
    @Test func everyRouteComesBackFromItsClassification() {
        for route in Route.allCases { #expect(Route(classification: Route.classification(of: route)) == route) }
        #expect(Route(classification: Route.classification(of: nil)) == nil)
        #expect(Route(classification: Route.allCases.count) == nil)
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
