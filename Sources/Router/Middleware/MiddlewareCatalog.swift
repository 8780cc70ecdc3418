/// Every middleware `--middleware` can name. Adding one is its own file (a
/// type that declares its names and how it is made) plus one entry here.
enum MiddlewareCatalog {
    static var all: [any NamedMiddleware.Type] {
        [
            RadixTreeMiddleware.self
        ]
    }

    /// Names of former middlewares whose job the router now does for every
    /// request: still accepted, so command lines that name them start, and
    /// they add nothing. `request-id`: request ids are always on
    /// (Gateway/RequestIDs.swift).
    static let builtIn = ["request-id"]

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
    private enum Entry: Hashable {
        /// Its place in `MiddlewareCatalog.all`.
        case catalog(Int)
        /// Its place in `MiddlewareCatalog.builtIn`.
        case builtIn(Int)
    }

    private let entry: Entry

    public init?(parsing text: String) {
        let key = MiddlewareCatalog.matchKey(text)
        if let index = MiddlewareCatalog.all.firstIndex(where: { type in
            type.names.contains { MiddlewareCatalog.matchKey($0) == key }
        }) {
            entry = .catalog(index)
        } else if let index = MiddlewareCatalog.builtIn.firstIndex(where: { MiddlewareCatalog.matchKey($0) == key }) {
            entry = .builtIn(index)
        } else {
            return nil
        }
    }

    /// Every short name `--middleware` accepts: the catalog's, then the built-in ones.
    public static var known: [String] { MiddlewareCatalog.all.map { $0.names[0] } + MiddlewareCatalog.builtIn }

    public var description: String {
        switch entry {
        case .catalog(let index): MiddlewareCatalog.all[index].names[0]
        case .builtIn(let index): MiddlewareCatalog.builtIn[index]
        }
    }

    var needsTokenizer: Bool {
        guard case .catalog(let index) = entry else { return false }
        return MiddlewareCatalog.all[index].needsTokenizer
    }

    /// The middleware the router runs; nil for a built-in name.
    func make(_ setup: MiddlewareSetup) throws -> (any Middleware)? {
        guard case .catalog(let index) = entry else { return nil }
        return try MiddlewareCatalog.all[index].make(setup)
    }
}
