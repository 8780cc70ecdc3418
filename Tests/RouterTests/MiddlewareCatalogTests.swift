import Testing
@testable import Router

/// How `--middleware` names are read: short names, the original's dotted
/// Python paths, and the loose spellings users type.
@Suite struct MiddlewareCatalogTests {
    @Test(arguments: [
        "radix-tree", "radix_tree", "RadixTree", "radixtree", "RadixTreeMiddleware", "radix-tree-middleware",
        "slime.router.middleware_hub.radix_tree_middleware.RadixTreeMiddleware",
    ])
    func radixTreeSpellings(text: String) {
        #expect(MiddlewareName(parsing: text)?.description == "radix-tree")
    }

    @Test(arguments: ["request-id", "request_id", "RequestID", "RequestIDMiddleware"])
    func requestIDSpellings(text: String) {
        #expect(MiddlewareName(parsing: text)?.description == "request-id")
    }

    @Test(arguments: ["", "no-such-thing", "radix", "slime.router.middleware_hub.magic.MagicMiddleware", "middleware"])
    func unknownNamesAreRefused(text: String) {
        #expect(MiddlewareName(parsing: text) == nil)
    }

    @Test func theKnownNamesAreTheShortOnesInCatalogOrder() {
        #expect(MiddlewareName.known == ["radix-tree", "request-id"])
    }

    /// Holds for any middleware added to the catalog.
    @Test func everyDeclaredNameReadsBackAsItsOwnMiddleware() {
        for type in MiddlewareCatalog.all {
            #expect(!type.names.isEmpty)
            for name in type.names {
                #expect(MiddlewareName(parsing: name)?.description == type.names[0], "\(name)")
            }
        }
    }

    @Test func noTwoMiddlewaresShareASpelling() {
        let keys =
            MiddlewareCatalog.all.flatMap { type in Set(type.names.map(MiddlewareCatalog.matchKey)) }
            + MiddlewareCatalog.builtIn.map(MiddlewareCatalog.matchKey)
        #expect(Set(keys).count == keys.count)
    }

    @Test func onlyTheRadixTreeNeedsTheTokenizer() {
        #expect(MiddlewareName(parsing: "radix-tree")?.needsTokenizer == true)
        #expect(MiddlewareName(parsing: "request-id")?.needsTokenizer == false)
    }

    @Test func theRadixTreeCannotBeMadeWithoutTokens() throws {
        let setup = MiddlewareSetup(configuration: RouterConfiguration(), policy: LeastInFlightPolicy(), tokens: nil)
        #expect(throws: RouterSetupError.self) { try MiddlewareName(parsing: "radix-tree")?.make(setup) }
    }

    /// Request ids are always on: the former middleware's name is accepted and makes nothing.
    @Test func requestIDIsBuiltInAndMakesNothing() throws {
        let setup = MiddlewareSetup(configuration: RouterConfiguration(), policy: LeastInFlightPolicy(), tokens: nil)
        let name = try #require(MiddlewareName(parsing: "request-id"))
        #expect(try name.make(setup) == nil)
    }
}

/// Middlewares' typed per-request state.
@Suite struct MiddlewareStateTests {
    private final class Counter { var count = 0 }
    private final class Label { let text: String; init(_ text: String) { self.text = text } }

    @Test func eachStateIsFoundByItsType() {
        var state = MiddlewareState()
        #expect(state[Counter.self] == nil)
        state[Counter.self] = Counter()
        state[Label.self] = Label("radix")
        #expect(state[Counter.self]?.count == 0)
        #expect(state[Label.self]?.text == "radix")
        state[Label.self] = nil
        #expect(state[Label.self] == nil)
        #expect(state[Counter.self] != nil)
    }

    @Test func aStateChangesInPlace() {
        var state = MiddlewareState()
        state[Counter.self] = Counter()
        for _ in 0..<3 { state[Counter.self]?.count += 1 }
        #expect(state[Counter.self]?.count == 3)
    }
}
