import Foundation

/// A loopback port where connecting hangs for as long as this object lives:
/// a listener that never accepts, whose accept queue (backlog 0, room for
/// one) is filled by a connection of its own. The kernel then drops every
/// further SYN, so a connect neither succeeds nor is refused.
public final class BlackholePort {
    public let port: Int
    private let descriptor: Int32
    private let queueFiller: RawHTTPConnection
    public var url: String { loopbackURL(port: port) }

    public init() throws {
        (descriptor, port) = try bindLoopbackSocket(listenBacklog: 0)
        do {
            queueFiller = try RawHTTPConnection(port: port)
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }
}
