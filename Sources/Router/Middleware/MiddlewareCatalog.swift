/// Every middleware `--middleware` can name. Adding one is its own file (a
/// type that declares its names and how it is made) plus one entry here.
enum MiddlewareCatalog {
    static var all: [any NamedMiddleware.Type] {
        [
            RadixTreeMiddleware.self,
            RequestIDMiddleware.self,
        ]
    }

    /// The last dotted component, lowercased, without `-`, `_` and a
    /// `middleware` suffix: `radix-tree`, `RadixTreeMiddleware` and
    /// `slime.router.middleware_hub.radix_tree_middleware.RadixTreeMiddleware`
    /// all read `radixtree`.
    static func matchKey(_ text: String) -> String {
        let last = text.split(separator: ".").last.map(String.init) ?? text
        var key = last.lowercased().filter { $0 != "-" && $0 != "_" }
        if key.hasSuffix("middleware") { key.removeLast("middleware".count) }
        return key
    }
}

/// A middleware `--middleware` can name.
protocol NamedMiddleware: Middleware {
    /// How `--middleware` may name it: the short name first, then any dotted
    /// Python paths the original accepted for it.
    static var names: [String] { get }
    /// Whether it needs the tokenizer (and so `--hf-checkpoint`).
    static var needsTokenizer: Bool { get }
    /// Makes the one the router runs; throws when it cannot run as configured.
    static func make(_ setup: MiddlewareSetup) throws -> any Middleware
}

extension NamedMiddleware {
    static var needsTokenizer: Bool { false }
}

/// What a middleware may take from the router being set up.
struct MiddlewareSetup {
    let configuration: RouterConfiguration
    /// The routing policy made from `configuration.routing` (cache-aware
    /// routing shares its affinity table with the radix tree).
    let policy: any RoutingPolicy
    /// Present when a chosen middleware needs the tokenizer.
    let tokens: TokenCache?
}

/// A middleware named on the command line: its short name (`radix-tree`)
/// once parsed from any spelling the catalog accepts, short or the
/// original's dotted path, matched case-insensitively with `-`, `_` and a
/// `Middleware` suffix ignored.
public struct MiddlewareName: Hashable, Sendable, CustomStringConvertible {
    /// Its place in `MiddlewareCatalog.all`.
    private let index: Int

    public init?(parsing text: String) {
        let key = MiddlewareCatalog.matchKey(text)
        guard let index = MiddlewareCatalog.all.firstIndex(where: { type in
            type.names.contains { MiddlewareCatalog.matchKey($0) == key }
        }) else { return nil }
        self.index = index
    }

    /// Every middleware's short name, in catalog order.
    public static var known: [String] { MiddlewareCatalog.all.map { $0.names[0] } }

    public var description: String { type.names[0] }
    private var type: any NamedMiddleware.Type { MiddlewareCatalog.all[index] }
    var needsTokenizer: Bool { type.needsTokenizer }

    func make(_ setup: MiddlewareSetup) throws -> any Middleware { try type.make(setup) }
}
