/// Turns the names given on the command line into middlewares.
///
/// Accepts short names (`radix-tree`) and the original's dotted Python
/// paths (`slime.router.middleware_hub.radix_tree_middleware.RadixTreeMiddleware`),
/// whose last component is matched case-insensitively with `-`, `_` and a
/// `Middleware` suffix ignored.
public enum MiddlewareName: String, CaseIterable, Sendable {
    case radixTree = "radix-tree"
    /// Accepted as before; request ids are now always on (Gateway/RequestIDs.swift).
    case requestID = "request-id"

    public init?(parsing text: String) {
        let last = text.split(separator: ".").last.map(String.init) ?? text
        var key = last.lowercased().filter { $0 != "-" && $0 != "_" }
        if key.hasSuffix("middleware") { key.removeLast("middleware".count) }
        guard let match = Self.allCases.first(where: { $0.rawValue.filter { $0 != "-" } == key }) else { return nil }
        self = match
    }
}
