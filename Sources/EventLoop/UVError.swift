internal import CUV

/// A libuv status code (negative errno) with its symbolic name.
public struct UVError: Error, CustomStringConvertible, Equatable, Sendable {
    public let code: Int32

    public init(_ code: Int32) { self.code = code }

    public var name: String { String(cString: uv_err_name(code)) }
    public var description: String { "\(name): \(String(cString: uv_strerror(code)))" }

    public static let endOfFile = UVError(Int32(UV_EOF.rawValue))
    public static let tryAgain = UVError(Int32(UV_EAGAIN.rawValue))

    /// Whether this process ran out of something of its own: file
    /// descriptors (its own or the system's), local ports, buffers, memory.
    /// Says nothing about the peer.
    public var isLocalResourceExhaustion: Bool { Self.localExhaustion.contains(code) }

    private static let localExhaustion = Set([UV_EMFILE, UV_ENFILE, UV_EADDRNOTAVAIL, UV_ENOBUFS, UV_ENOMEM].map { Int32($0.rawValue) })

    /// The error an OS `errno` stands for (libuv's codes are negated errnos on Unix).
    public init(errno: Int32) { self.init(-errno) }

    /// Throws when `status` is negative.
    @discardableResult
    public static func check(_ status: Int32) throws -> Int32 {
        if status < 0 { throw UVError(status) }
        return status
    }
}
