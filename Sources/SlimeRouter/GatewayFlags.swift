import ArgumentParser
import Foundation
import Router

/// Checks of the gateway flags: `--api-key` and `--admin-api-key`, or their
/// environment variables (a flag wins) so keys can stay out of the process
/// list; `--request-id-headers`.
enum GatewayFlags {
    static let apiKeyVariable = "SLIME_ROUTER_API_KEY"
    static let adminKeyVariable = "SLIME_ROUTER_ADMIN_API_KEY"

    static func keys(
        apiKey: String?, adminKey: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AccessKeys {
        AccessKeys(
            apiKey: try checked(apiKey ?? environment[apiKeyVariable], "--api-key / \(apiKeyVariable)"),
            adminKey: try checked(adminKey ?? environment[adminKeyVariable], "--admin-api-key / \(adminKeyVariable)"))
    }

    /// A key must fit in a header as it is: visible ASCII, no spaces.
    private static func checked(_ key: String?, _ name: String) throws -> String? {
        guard let key else { return nil }
        guard !key.isEmpty, key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ValidationError("\(name): a key must be printable ASCII without spaces, and not empty")
        }
        return key
    }

    /// An HTTP field name (RFC 9110 token).
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
    }
}
