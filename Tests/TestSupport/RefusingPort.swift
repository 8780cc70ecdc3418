import Foundation

/// A loopback port that refuses connections for as long as this object
/// lives: a socket bound to it but not listening, so no one else gets it.
public final class RefusingPort {
    public let port: Int
    private let descriptor: Int32
    public var url: String { loopbackURL(port: port) }

    public init() throws {
        (descriptor, port) = try bindLoopbackSocket()
    }

    deinit { close(descriptor) }
}
